-- Where a cache's invalidation log stands: its epoch (started now if the data set has none) and the last
-- sequence number taken.
--
-- KEYS[1]: the cache's epoch; KEYS[2]: its sequence. ARGV[1]: an epoch to start (16 characters) if none.
-- An epoch started here starts its sequence at 0, so that the first change does not take the missing
-- sequence for a lost one (see redis-write.lua).
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('SET', KEYS[2], '0', 'NX')
end
local seq = redis.call('GET', KEYS[2])
return {redis.call('GET', KEYS[1]), seq or '0'}
