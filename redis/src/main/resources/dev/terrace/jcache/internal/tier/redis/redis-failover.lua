-- After a failover: when the master is not the one every cache's epoch was last vouched for by (its
-- replication id differs from the one recorded), renews the epoch of every cache in the namespace. The
-- promoted replica was replicated asynchronously and may lack writes that were acknowledged (and whose
-- near copies processes hold), and its sequence numbers may repeat numbers the lost writes took; a new epoch
-- tells every process that it cannot prove what it holds, so it drops its near copies.
--
-- KEYS[1]: where the replication id is recorded. ARGV[1]: the pattern of the namespace's epoch keys;
-- ARGV[2]: the new epoch (16 characters). Returns -1 when the master is the one recorded, else the number of
-- epochs renewed.
local info = redis.call('INFO', 'replication')
local id = string.match(info, 'master_replid:(%w+)')
if not id or not string.find(info, 'role:master', 1, true) then
  return -1
end
if redis.call('GET', KEYS[1]) == id then
  return -1
end
local renewed = 0
local cursor = '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    redis.call('SET', key, ARGV[2])
    renewed = renewed + 1
  end
until cursor == '0'
redis.call('SET', KEYS[1], id)
return renewed
