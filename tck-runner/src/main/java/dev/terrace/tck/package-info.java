/**
 * Support for running the JSR-107 TCK against each Terrace tier stack.
 */
package dev.terrace.tck;
