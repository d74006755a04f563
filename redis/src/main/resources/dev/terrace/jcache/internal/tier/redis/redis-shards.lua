-- Records how many shards a cache's key space is split into, or tells the count already recorded: processes
-- that laid a cache out with different counts would not see each other's entries and changes.
--
-- KEYS[1]: the cache's shard count; KEYS[2]: the cache's unsharded sequence (its one shard's, in the cache's
-- own hash tag). ARGV[1]: this process's count.
--
-- Returns the count the cache is laid out with. A cache written before shard counts were recorded has an
-- unsharded sequence and no count: it counts as one shard, and is not recorded as another.
local recorded = redis.call('GET', KEYS[1])
if recorded then
  return recorded
end
if ARGV[1] ~= '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  return '1'
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
