-- Renews the lease of an entry's lock while its holder still holds it (see redis-lock.lua for the layout), as
-- Redisson's watchdog renews an RLock's: a locked change that runs longer than the lease keeps its lock.
--
-- KEYS[1]: the entry's lock. ARGV[1]: the lease (milliseconds); ARGV[2]: the holder's field.
--
-- Returns 1 when renewed, 0 when the holder no longer holds the lock.
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
