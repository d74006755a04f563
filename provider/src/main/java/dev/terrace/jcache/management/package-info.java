/**
 * Read-only management views: the standard JCache statistics MXBean and Terrace's per-tier statistics (hits,
 * misses and sizes of each tier), registered on the platform MBean server when statistics or management are
 * enabled.
 */
package dev.terrace.jcache.management;
