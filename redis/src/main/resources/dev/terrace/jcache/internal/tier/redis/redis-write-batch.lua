-- The announcement of a change: its head, then middle (epoch and sequence number), then of its tail (the
-- key, the new value, the old value, each length-prefixed) only what some process's listeners want, as the
-- cache's listener interest records it (the last key, KEYS[#KEYS]; see ListenerInterest.java): members '<process>:v'
-- (values) and '<process>:o' (old values too), each scored with the instant (Redis time, milliseconds) its
-- lease runs out. With no live member: the key alone, and the head's kind (byte 17) 3; with none that wants
-- old values: the key and the new value, and kind 4; else the whole tail. A change that is no event (event
-- type, byte 18, zero) has no values to leave out.
local function announcement(interest, head, middle, tail)
  if string.byte(head, 18) == 0 then
    return head .. middle .. tail
  end
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local wanted = redis.call('ZRANGEBYSCORE', interest, string.format('(%d', now), '+inf')
  for _, member in ipairs(wanted) do
    if string.sub(member, -2) == ':o' then
      return head .. middle .. tail
    end
  end
  local keyEnd = 4 + struct.unpack('>i4', tail)
  if #wanted == 0 then
    return string.sub(head, 1, 16) .. '\3' .. string.sub(head, 18) .. middle .. string.sub(tail, 1, keyEnd)
  end
  local newEnd = keyEnd + 4 + math.max(struct.unpack('>i4', tail, keyEnd + 1), 0)
  if struct.unpack('>i4', tail, newEnd + 1) < 0 then
    return head .. middle .. tail
  end
  return string.sub(head, 1, 16) .. '\4' .. string.sub(head, 18) .. middle .. string.sub(tail, 1, newEnd)
    .. struct.pack('>i4', -1)
end
-- Changes several entries of one shard, each exactly as redis-write.lua changes one: the same version check,
-- the same next sequence number, the same log record and the same announcement per change, so that other
-- processes cannot tell a batch from the same changes made one by one. An entry whose check fails is left as it
-- is and reported; the others are still changed. Everything that can fail for an entry is checked before its
-- first write, because Redis does not roll a script back.
--
-- KEYS[1]: the shard's sequence; KEYS[2]: the shard's invalidation log (a stream); KEYS[3]: the shard's epoch;
-- then for each entry i (from 0): KEYS[4 + 2i]: the entry, KEYS[5 + 2i]: the entry's lock.
-- ARGV[1]: the writing process (16 bytes); ARGV[2]: how many log records to keep (about); ARGV[3]: an epoch to
-- start (16 characters) when the data set has none; ARGV[4]: the channel; ARGV[5]: '1' for optimistic changes,
-- made without the entries' locks; then for each entry i, from ARGV[6 + 6i]: the version (first 8 bytes) of the
-- entry the caller read ('' when it read none, '*' to change whatever version is there), the new stored bytes
-- ('' to delete the entry), epoch milliseconds at which Redis may drop the entry (0 for never), the entry's key
-- bytes, the announcement's head, its tail.
--
-- Returns, per entry in order: the change's sequence number, or without changing the entry: -1 when it is no
-- longer the version the caller read, -2 when an optimistic change finds it locked.
local results = {}
local epoch = false
local seq = nil
local ready = false
local count = (#KEYS - 4) / 2
for i = 0, count - 1 do
  local entry = KEYS[4 + 2 * i]
  local lock = KEYS[5 + 2 * i]
  local a = 6 + 6 * i
  local version = ARGV[a]
  local current = redis.call('GET', entry)
  local verdict = 0
  if ARGV[5] == '1' then
    if redis.call('EXISTS', lock) == 1 then
      verdict = -2
    elseif (version == '' and current) or (version ~= '' and ((not current) or string.sub(current, 1, 8) ~= version)) then
      verdict = -1
    end
  elseif current and version ~= '*' and string.sub(current, 1, 8) ~= version then
    verdict = -1
  end
  if verdict < 0 then
    results[i + 1] = verdict
  else
    if not ready then
      -- As redis-write.lua: control keys that are gone or damaged start a new epoch with an empty log.
      if redis.call('TYPE', KEYS[3])['ok'] == 'string' then
        epoch = redis.call('GET', KEYS[3])
      end
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
      ready = true
    end
    seq = seq + 1
    redis.call('SET', KEYS[1], seq)
    if ARGV[a + 1] == '' then
      redis.call('DEL', entry)
    else
      local reclaimAt = tonumber(ARGV[a + 2])
      if reclaimAt > 0 then
        redis.call('SET', entry, ARGV[a + 1], 'PXAT', reclaimAt)
      else
        redis.call('SET', entry, ARGV[a + 1])
      end
    end
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'o', ARGV[1], 'k', ARGV[a + 3])
    redis.call('PUBLISH', ARGV[4], announcement(KEYS[#KEYS], ARGV[a + 4], epoch .. string.format('%020d', seq), ARGV[a + 5]))
    results[i + 1] = seq
  end
end
return results
