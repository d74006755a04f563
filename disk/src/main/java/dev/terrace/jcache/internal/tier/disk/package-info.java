/**
 * Internal: the disk tier, MapDB over a checksummed append-only journal that is replayed after a crash.
 */
package dev.terrace.jcache.internal.tier.disk;
