-- Reads several entries of one shard in one step (all KEYS share the shard's hash tag, so one slot).
--
-- KEYS: the entries. Returns their stored bytes in the same order, false for each that is absent.
return redis.call('MGET', unpack(KEYS))
