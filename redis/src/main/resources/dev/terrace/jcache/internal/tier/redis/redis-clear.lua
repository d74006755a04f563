-- Logs and announces that every entry of a cache was removed (the caller deleted them just before).
--
-- KEYS[1]: the cache's sequence; KEYS[2]: its invalidation log; KEYS[3]: its epoch.
-- ARGV[1]: the clearing process (16 bytes); ARGV[2]: how many log records to keep (about); ARGV[3]: an epoch
-- to start when the data set has none; ARGV[4]: the channel; ARGV[5]: the announcement's head; ARGV[6]: its
-- tail.
--
-- Control keys that are gone or damaged start a new epoch, as in redis-write.lua.
local epoch = false
if redis.call('TYPE', KEYS[3])['ok'] == 'string' then
  epoch = redis.call('GET', KEYS[3])
end
local seq = nil
if redis.call('TYPE', KEYS[1])['ok'] == 'string' then
  seq = tonumber(redis.call('GET', KEYS[1]))
end
local top = 0
local logType = redis.call('TYPE', KEYS[2])['ok']
if logType == 'stream' then
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if last[1] then
    top = tonumber(string.match(last[1][1], '^(%d+)'))
  end
elseif logType ~= 'none' then
  top = nil
end
if (not epoch) or (not seq) or (not top) or seq < top or seq ~= math.floor(seq) then
  redis.call('DEL', KEYS[2])
  epoch = ARGV[3]
  redis.call('SET', KEYS[3], epoch)
  seq = 0
end
seq = seq + 1
redis.call('SET', KEYS[1], seq)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'o', ARGV[1], 'x', '1')
redis.call('PUBLISH', ARGV[4], ARGV[5] .. epoch .. string.format('%020d', seq) .. ARGV[6])
return seq
