-- Where a cache's invalidation log (of one shard) stands: its epoch (started now if the data set has none) and
-- the last sequence number taken.
--
-- KEYS[1]: the epoch; KEYS[2]: the sequence; KEYS[3] (on a Redis Cluster only): the replication id of the master
-- that last vouched for the epoch. ARGV[1]: an epoch to start (16 characters) if none, or if the master changed.
-- An epoch started here starts its sequence at 0, so that the first change does not take the missing sequence
-- for a lost one (see redis-write.lua).
--
-- On a Cluster each master vouches for the epochs of the shards it serves: when the master serving this shard's
-- slot is another one than the one recorded (a replica was promoted after its master failed, or the slot moved),
-- the epoch is renewed. Replication is asynchronous: a promoted replica may lack changes the old master
-- acknowledged, whose near copies processes hold, and its sequence goes on from an earlier number than the ones
-- processes applied; a new epoch tells every process that it cannot prove what it holds, so it drops it.
-- Returns {epoch, sequence, 1 if the epoch was renewed for a new master else 0}.
local renewed = 0
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('SET', KEYS[2], '0', 'NX')
end
if KEYS[3] then
  local info = redis.pcall('INFO', 'replication')
  -- INFO refused (an ACL without it): nothing to compare, the check is skipped.
  if type(info) == 'string' then
    local id = string.match(info, 'master_replid:(%w+)')
    local vouched = redis.call('GET', KEYS[3])
    if id and vouched ~= id then
      -- No record yet: the first master to vouch for this epoch, nothing to renew.
      if vouched and redis.call('GET', KEYS[1]) ~= ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[1])
        renewed = 1
      end
      redis.call('SET', KEYS[3], id)
    end
  end
end
local seq = redis.call('GET', KEYS[2])
return {redis.call('GET', KEYS[1]), seq or '0', renewed}
