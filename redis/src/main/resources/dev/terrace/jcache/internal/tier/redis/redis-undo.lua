-- Undoes, after an outage, a change this process made in its near tiers only (Redis never saw it): deletes
-- the entry unless the shard's log proves that some process changed the key since this one last heard from
-- Redis — that change is newer than what this process undoes, and stays — and in either case sequences, logs
-- and announces a change of the key as redis-write.lua does, so that every process drops its near copies and
-- reads Redis afresh. When the log cannot tell (another epoch, or records trimmed away), the entry is
-- deleted: a miss is never a stale value.
--
-- KEYS[1]: the entry; KEYS[2]: the shard's sequence; KEYS[3]: the shard's log (a stream); KEYS[4]: the
-- shard's epoch.
-- ARGV[1]: the epoch this process last heard of; ARGV[2]: the last sequence number it applied (-1: none);
-- ARGV[3]: the process (16 bytes); ARGV[4]: the entry's key bytes; ARGV[5]: how many log records to keep
-- (about); ARGV[6]: an epoch to start (16 characters) when the data set has none; ARGV[7]: the channel;
-- ARGV[8]: the announcement's head; ARGV[9]: its tail.
--
-- Returns 1 when the entry was kept (changed since), 0 when it was deleted or absent.
local epoch = false
if redis.call('TYPE', KEYS[4])['ok'] == 'string' then
  epoch = redis.call('GET', KEYS[4])
end
local seq = nil
if redis.call('TYPE', KEYS[2])['ok'] == 'string' then
  seq = tonumber(redis.call('GET', KEYS[2]))
end
local top = 0
local first = nil
local logType = redis.call('TYPE', KEYS[3])['ok']
if logType == 'stream' then
  local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
  if last[1] then
    top = tonumber(string.match(last[1][1], '^(%d+)'))
  end
  local oldest = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', 1)
  if oldest[1] then
    first = tonumber(string.match(oldest[1][1], '^(%d+)'))
  end
elseif logType ~= 'none' then
  top = nil
end
local kept = false
local known = tonumber(ARGV[2])
if epoch and seq and top and epoch == ARGV[1] and known >= 0 and known <= seq
    and (known >= seq or (first and first <= known + 1)) then
  -- A record names one key (field 'k', redis-write.lua), or a batch's keys (field 'm', redis-write-batch.lua: each
  -- length-prefixed, 4 bytes big-endian).
  local wanted = ARGV[4]
  local since = redis.call('XRANGE', KEYS[3], (known + 1) .. '-0', '+')
  for _, record in ipairs(since) do
    local fields = record[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'k' and fields[i + 1] == wanted then
        kept = true
      elseif fields[i] == 'm' then
        local keys = fields[i + 1]
        local at = 1
        while (not kept) and at + 3 <= #keys do
          local length = struct.unpack('>i4', keys, at)
          if length == #wanted and string.sub(keys, at + 4, at + 3 + length) == wanted then
            kept = true
          end
          at = at + 4 + length
        end
      end
    end
    if kept then
      break
    end
  end
end
if (not epoch) or (not seq) or (not top) or seq < top or seq ~= math.floor(seq) then
  redis.call('DEL', KEYS[3])
  epoch = ARGV[6]
  redis.call('SET', KEYS[4], epoch)
  seq = 0
end
if not kept then
  redis.call('DEL', KEYS[1])
end
seq = seq + 1
redis.call('SET', KEYS[2], seq)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], seq .. '-0', 'o', ARGV[3], 'k', ARGV[4])
redis.call('PUBLISH', ARGV[7], ARGV[8] .. epoch .. string.format('%020d', seq) .. ARGV[9])
if kept then
  return 1
end
return 0
