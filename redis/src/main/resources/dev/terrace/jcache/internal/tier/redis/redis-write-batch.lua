-- The announcement of a change: its head, then middle (epoch and sequence number), then of its tail (the
-- key, the new value, the old value, each length-prefixed) only what some process's listeners want, as the
-- cache's listener interest records it (the last key, KEYS[#KEYS]; see ListenerInterest.java): members '<process>:v'
-- (values) and '<process>:o' (old values too), each scored with the instant (Redis time, milliseconds) its
-- lease runs out. With no live member: the key alone, and the head's kind (byte 17) 3; with none that wants
-- old values: the key and the new value, and kind 4; else the whole tail. A change that is no event (event
-- type, byte 18, zero) has no values to leave out. The interest is read once per call of this script (Redis runs
-- the script as one step, so every change of the batch sees the same interest).
local wants = nil
local function announcement(interest, head, middle, tail)
  if string.byte(head, 18) == 0 then
    return head .. middle .. tail
  end
  if wants == nil then
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    local wanted = redis.call('ZRANGEBYSCORE', interest, string.format('(%d', now), '+inf')
    wants = #wanted == 0 and 'none' or 'values'
    for _, member in ipairs(wanted) do
      if string.sub(member, -2) == ':o' then
        wants = 'all'
      end
    end
  end
  if wants == 'all' then
    return head .. middle .. tail
  end
  local keyEnd = 4 + struct.unpack('>i4', tail)
  if wants == 'none' then
    return string.sub(head, 1, 16) .. '\3' .. string.sub(head, 18) .. middle .. string.sub(tail, 1, keyEnd)
  end
  local newEnd = keyEnd + 4 + math.max(struct.unpack('>i4', tail, keyEnd + 1), 0)
  if struct.unpack('>i4', tail, newEnd + 1) < 0 then
    return head .. middle .. tail
  end
  return string.sub(head, 1, 16) .. '\4' .. string.sub(head, 18) .. middle .. string.sub(tail, 1, newEnd)
    .. struct.pack('>i4', -1)
end
-- Changes several entries of one shard, each exactly as redis-write.lua changes one: the same version check (or
-- the same decision of a decided put), the same next sequence number, the same log record and the same
-- announcement per change, so that other processes cannot tell a batch from the same changes made one by one. An
-- entry whose check fails is left as it is and reported; the others are still changed. Everything that can fail
-- for an entry is checked before its first write, because Redis does not roll a script back.
--
-- KEYS[1]: the shard's sequence; KEYS[2]: the shard's invalidation log (a stream); KEYS[3]: the shard's epoch;
-- then for each entry i (from 0): KEYS[4 + 2i]: the entry, KEYS[5 + 2i]: the entry's lock; last, KEYS[#KEYS]: the
-- shard's listener interest (see announcement above).
-- ARGV[1]: the writing process (16 bytes); ARGV[2]: how many log records to keep (about); ARGV[3]: an epoch to
-- start (16 characters) when the data set has none; ARGV[4]: the channel; ARGV[5]: the mode, then what it takes:
--
-- '0' (changes under the entries' locks) or '1' (optimistic changes, made without the entries' locks): for each
-- entry i, from ARGV[6 + 6i]: the version (first 8 bytes) of the entry the caller read ('' when it read none, '*'
-- to change whatever version is there), the new stored bytes ('' to delete the entry), epoch milliseconds at which
-- Redis may drop the entry (0 for never), the entry's key bytes, the announcement's head, its tail. Returns, per
-- entry in order: the change's sequence number, or without changing the entry: -1 when it is no longer the
-- version the caller read, -2 when an optimistic change finds it locked.
--
-- 'p' (decided puts, as redis-write.lua's mode 'p', reading nothing beforehand): ARGV[6]: the puts' instant
-- (epoch milliseconds); ARGV[7]: the creation's expiry instant (8 bytes), ARGV[8]: its reclaim instant (0: never);
-- ARGV[9]: the update's expiry instant (8 bytes), '' to keep the entry's (and its reclaim instant), ARGV[10]: its
-- reclaim instant; ARGV[11]: the CREATED head, ARGV[12]: the UPDATED head; then for each entry i, from
-- ARGV[13 + 3i]: the entry's key bytes, the new value's payload, the new version (8 bytes). Each put creates
-- when the entry is absent or expired at the instant, else updates it, and announces CREATED or UPDATED (with the
-- old value). Returns two items per entry in order: the change's sequence number and the first 16 bytes (version,
-- expiry instant) of the entry it found, live or not, '' when none; or -2 and '' while the entry is locked.
--
-- 'r' (decided removals, reading nothing beforehand): ARGV[6]: the removals' instant; ARGV[7]: the REMOVED head,
-- ARGV[8]: the EXPIRED head; then for each entry i, ARGV[9 + i]: the entry's key bytes. Each removal of an entry
-- announces REMOVED (with the old value), or EXPIRED when the entry had expired at the instant. Returns two items
-- per entry in order: the change's sequence number and the first 16 bytes of the entry it removed; 0 and '' when
-- there was none (nothing changed, nothing logged); -2 and '' while the entry is locked.
local results = {}
local epoch = false
local seq = nil
local ready = false
local mode = ARGV[5]
local count = math.floor((#KEYS - 3) / 2)

-- As redis-write.lua: control keys that are gone or damaged start a new epoch with an empty log.
local function prepare()
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

-- Takes the next sequence number, then logs and announces the change of the entry with key bytes k. The shard's
-- sequence key is written once, by finish(): should the script fail part way, the log then holds numbers past it,
-- and the next change starts a new epoch (above), so that every process drops the near copies it cannot prove.
local function announce(k, head, tail)
  seq = seq + 1
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'o', ARGV[1], 'k', k)
  redis.call('PUBLISH', ARGV[4], announcement(KEYS[#KEYS], head, epoch .. string.format('%020d', seq), tail))
  return seq
end

-- Records the last sequence number taken, and returns the results.
local function finish()
  if ready then
    redis.call('SET', KEYS[1], seq)
  end
  return results
end

if mode == 'p' then
  local now = tonumber(ARGV[6])
  for i = 0, count - 1 do
    local entry = KEYS[4 + 2 * i]
    local a = 13 + 3 * i
    if redis.call('EXISTS', KEYS[5 + 2 * i]) == 1 then
      results[2 * i + 1] = -2
      results[2 * i + 2] = ''
    else
      if not ready then
        prepare()
      end
      local current = redis.call('GET', entry)
      local k, payload = ARGV[a], ARGV[a + 1]
      local head, tail
      if current and struct.unpack('>i8', current, 9) > now then
        head = ARGV[12]
        tail = struct.pack('>i4', #k) .. k .. struct.pack('>i4', #payload) .. payload
            .. struct.pack('>i4', #current - 16) .. string.sub(current, 17)
        if ARGV[9] == '' then
          redis.call('SET', entry, ARGV[a + 2] .. string.sub(current, 9, 16) .. payload, 'KEEPTTL')
        else
          local reclaimAt = tonumber(ARGV[10])
          if reclaimAt > 0 then
            redis.call('SET', entry, ARGV[a + 2] .. ARGV[9] .. payload, 'PXAT', reclaimAt)
          else
            redis.call('SET', entry, ARGV[a + 2] .. ARGV[9] .. payload)
          end
        end
      else
        head = ARGV[11]
        tail = struct.pack('>i4', #k) .. k .. struct.pack('>i4', #payload) .. payload .. struct.pack('>i4', -1)
        local reclaimAt = tonumber(ARGV[8])
        if reclaimAt > 0 then
          redis.call('SET', entry, ARGV[a + 2] .. ARGV[7] .. payload, 'PXAT', reclaimAt)
        else
          redis.call('SET', entry, ARGV[a + 2] .. ARGV[7] .. payload)
        end
      end
      results[2 * i + 1] = announce(k, head, tail)
      results[2 * i + 2] = current and string.sub(current, 1, 16) or ''
    end
  end
  return finish()
end

if mode == 'r' then
  local now = tonumber(ARGV[6])
  for i = 0, count - 1 do
    local entry = KEYS[4 + 2 * i]
    results[2 * i + 2] = ''
    if redis.call('EXISTS', KEYS[5 + 2 * i]) == 1 then
      results[2 * i + 1] = -2
    else
      local current = redis.call('GET', entry)
      if not current then
        results[2 * i + 1] = 0
      else
        if not ready then
          prepare()
        end
        local k = ARGV[9 + i]
        local head = ARGV[7]
        if struct.unpack('>i8', current, 9) <= now then
          head = ARGV[8]
        end
        redis.call('DEL', entry)
        results[2 * i + 1] = announce(k, head, struct.pack('>i4', #k) .. k .. struct.pack('>i4', -1)
            .. struct.pack('>i4', #current - 16) .. string.sub(current, 17))
        results[2 * i + 2] = string.sub(current, 1, 16)
      end
    end
  end
  return finish()
end

for i = 0, count - 1 do
  local entry = KEYS[4 + 2 * i]
  local lock = KEYS[5 + 2 * i]
  local a = 6 + 6 * i
  local version = ARGV[a]
  local current = redis.call('GET', entry)
  local verdict = 0
  if mode == '1' then
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
      prepare()
    end
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
    results[i + 1] = announce(ARGV[a + 3], ARGV[a + 4], ARGV[a + 5])
  end
end
return finish()
