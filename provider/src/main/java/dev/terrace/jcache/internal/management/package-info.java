/**
 * Internal: registration of the statistics and configuration MXBeans under the JCache object names.
 */
package dev.terrace.jcache.internal.management;
