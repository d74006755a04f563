/**
 * Runnable examples of Terrace from a plain JCache application.
 */
package dev.terrace.examples;
