/**
 * Micrometer binding: publishes each Terrace cache's JCache statistics and per-tier figures as Micrometer
 * meters.
 */
package dev.terrace.jcache.micrometer;
