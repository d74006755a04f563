-- Takes an entry's lock and reads the entry, in one call: the first half of a locked change (see KeyLocks.java).
-- The lock has the layout of a Redisson lock (RLock), so that Redisson's waiters in this and other processes,
-- and a fallback that takes it with RLock, see one lock: a hash whose one field, '<client id>:<thread id>',
-- counts how often its holder took it, and which expires when its lease runs out unless renewed.
--
-- KEYS[1]: the entry; KEYS[2]: the entry's lock (in the entry's slot).
-- ARGV[1]: the lease (milliseconds); ARGV[2]: the holder's field.
--
-- Returns {holds, the entry's stored bytes} or {holds} when it holds none, where holds (1 or more: the lock was
-- free, or already this holder's) is how often the holder now holds the lock; {-1} without reading when another
-- holder has the lock (the caller then waits for it as Redisson's waiters do).
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 then
  return {-1}
end
local holds = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('PEXPIRE', KEYS[2], ARGV[1])
local entry = redis.call('GET', KEYS[1])
if entry then
  return {holds, entry}
end
return {holds}
