package dev.terrace.jcache.internal.tier.redis;

/**
 * One change of an entry as the write scripts take it ({@code redis-write.lua} alone, {@code
 * redis-write-batch.lua} with others of its shard): the same bytes either way, so a change announces, logs and
 * fences itself alike whether it was written alone or in a batch.
 *
 * @param shard the shard of the key
 * @param name the entry's Redis key
 * @param lockName the entry's lock
 * @param keyBytes the encoded key
 * @param version the first 8 bytes of the entry read, empty when none was, {@code *} for any
 * @param stored the new stored bytes, empty to delete the entry
 * @param reclaimAt epoch milliseconds at which Redis may drop the entry, 0 for never
 * @param head the announcement's head
 * @param tail the announcement's tail
 */
record EntryWrite(
        int shard,
        String name,
        String lockName,
        byte[] keyBytes,
        byte[] version,
        byte[] stored,
        long reclaimAt,
        byte[] head,
        byte[] tail) {}
