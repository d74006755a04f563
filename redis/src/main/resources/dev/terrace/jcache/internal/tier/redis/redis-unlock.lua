-- Releases an entry's lock once, as Redisson's unlock does (see redis-lock.lua for the layout): the last release
-- deletes the lock and publishes the message Redisson's waiters wake on. Used when a locked change writes nothing;
-- redis-write.lua releases the lock itself in the call that writes.
--
-- KEYS[1]: the entry's lock; KEYS[2]: the channel its release is announced on.
-- ARGV[1]: the holder's field; ARGV[2]: the lease (milliseconds), renewed while the holder still holds it;
-- ARGV[3]: the command that publishes the release ('publish', or 'spublish' where Redisson's waiters listen on a
-- shard channel).
--
-- Returns 1 when the lock was released, 0 when the holder still holds it (it took it more than once), -1 when the
-- holder did not hold it (its lease ran out, or Redis lost it).
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return -1
end
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
redis.call('DEL', KEYS[1])
redis.call(ARGV[3], KEYS[2], '0')
return 1
