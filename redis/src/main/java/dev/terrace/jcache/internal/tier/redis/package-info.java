/**
 * Internal: the Redis tier: scripts that change an entry and log and announce the change atomically, the
 * coherence log that keeps near copies current across processes, outage handling and health.
 */
package dev.terrace.jcache.internal.tier.redis;
