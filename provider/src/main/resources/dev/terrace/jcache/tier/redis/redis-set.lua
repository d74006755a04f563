-- Stores an entry and the instant Redis may drop it, in one step.
-- KEYS[1]: the entry's key; ARGV[1]: the stored bytes; ARGV[2]: epoch milliseconds to drop it at, 0 for never.
local reclaimAt = tonumber(ARGV[2])
if reclaimAt > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', reclaimAt)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
