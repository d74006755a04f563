-- Changes one entry, and logs and announces the change, in one atomic step: everything that can fail is
-- checked before the first write, because Redis does not roll a script back.
--
-- KEYS[1]: the entry; KEYS[2]: the cache's sequence; KEYS[3]: the cache's invalidation log (a stream);
-- KEYS[4]: the cache's epoch; KEYS[5]: the entry's lock.
-- ARGV[1]: the version (first 8 bytes) of the entry the caller read, '' when it read none, '*' to change
-- whatever version is there;
-- ARGV[2]: the new stored bytes, '' to delete the entry;
-- ARGV[3]: epoch milliseconds at which Redis may drop the entry, 0 for never;
-- ARGV[4]: the writing process (16 bytes); ARGV[5]: the entry's key bytes; ARGV[6]: how many log records to
-- keep (about); ARGV[7]: an epoch to start (16 characters) when the data set has none; ARGV[8]: the channel;
-- ARGV[9]: the announcement's head; ARGV[10]: its tail; ARGV[11]: '1' for an optimistic change, made without
-- the entry's lock.
--
-- Returns the change's sequence number, or without changing anything: -1 when the entry is no longer the
-- version the caller read (for a locked change: the lock's lease ran out and another process changed it; for
-- an optimistic one: another change came first), -2 when an optimistic change finds the entry locked.
--
-- When the cache's control keys are gone or damaged (evicted under an allkeys-* policy, deleted by hand), the
-- sequence could go backwards and the log could refuse the record: the script then starts a new epoch with an
-- empty log, so that every process drops the near copies it can no longer prove.
local current = redis.call('GET', KEYS[1])
if ARGV[11] == '1' then
  if redis.call('EXISTS', KEYS[5]) == 1 then
    return -2
  end
  if (ARGV[1] == '' and current) or (ARGV[1] ~= '' and ((not current) or string.sub(current, 1, 8) ~= ARGV[1])) then
    return -1
  end
elseif current and ARGV[1] ~= '*' and string.sub(current, 1, 8) ~= ARGV[1] then
  return -1
end
local epoch = false
if redis.call('TYPE', KEYS[4])['ok'] == 'string' then
  epoch = redis.call('GET', KEYS[4])
end
local seq = nil
if redis.call('TYPE', KEYS[2])['ok'] == 'string' then
  seq = tonumber(redis.call('GET', KEYS[2]))
end
local top = 0
local logType = redis.call('TYPE', KEYS[3])['ok']
if logType == 'stream' then
  local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
  if last[1] then
    top = tonumber(string.match(last[1][1], '^(%d+)'))
  end
elseif logType ~= 'none' then
  top = nil
end
if (not epoch) or (not seq) or (not top) or seq < top or seq ~= math.floor(seq) then
  redis.call('DEL', KEYS[3])
  epoch = ARGV[7]
  redis.call('SET', KEYS[4], epoch)
  seq = 0
end
seq = seq + 1
redis.call('SET', KEYS[2], seq)
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  local reclaimAt = tonumber(ARGV[3])
  if reclaimAt > 0 then
    redis.call('SET', KEYS[1], ARGV[2], 'PXAT', reclaimAt)
  else
    redis.call('SET', KEYS[1], ARGV[2])
  end
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], seq .. '-0', 'o', ARGV[4], 'k', ARGV[5])
redis.call('PUBLISH', ARGV[8], ARGV[9] .. epoch .. string.format('%020d', seq) .. ARGV[10])
return seq
