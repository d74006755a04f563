-- The announcement of a change: its head, then middle (epoch and sequence number), then of its tail (the
-- key, the new value, the old value, each length-prefixed) only what some process's listeners want, as the
-- cache's listener interest records it (the last key, KEYS[#KEYS]; see ListenerInterest.java): members '<process>:v'
-- (values) and '<process>:o' (old values too), each scored with the instant (Redis time, milliseconds) its
-- lease runs out. With no live member: the key alone, and the head's kind (byte 17) 3; with none that wants
-- old values: the key and the new value, and kind 4; else the whole tail. A change that is no event (event
-- type, byte 18, zero) has no values to leave out. The interest is read once per call of this script (Redis runs
-- the script as one step, so every change of the batch sees the same interest).
local wants = nil
local function wanted()
  if wants == nil then
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    local members = redis.call('ZRANGEBYSCORE', KEYS[#KEYS], string.format('(%d', now), '+inf')
    wants = #members == 0 and 'none' or 'values'
    for _, member in ipairs(members) do
      if string.sub(member, -2) == ':o' then
        wants = 'all'
      end
    end
  end
  return wants
end
local function announcement(interest, head, middle, tail)
  if string.byte(head, 18) == 0 then
    return head .. middle .. tail
  end
  wanted()
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
-- Changes several entries of one shard, each as redis-write.lua changes one: the same version check (or the same
-- decision of a decided put), and for each change the same event in the announcement. The call takes ONE sequence
-- number, appends ONE log record and publishes ONE announcement for all its changes (none when it changed nothing),
-- so that the server's work per entry is the entry's own: the record's field 'm' holds every changed key (each
-- length-prefixed, 4 bytes big-endian), and the announcement (kind 5, see Announcement.java) holds each change's
-- kind, event type and tail, trimmed as above, in the order of the entries. An entry whose check fails is left as it
-- is and reported; the others are still changed. Every entry is decided before the first write, and the log record
-- is that first write, because Redis does not roll a script back: should a later write fail, the log holds a number
-- past the shard's sequence, and the next change starts a new epoch (below), so that every process drops the near
-- copies it cannot prove.
--
-- KEYS[1]: the shard's sequence; KEYS[2]: the shard's invalidation log (a stream); KEYS[3]: the shard's epoch;
-- then for each entry i (from 0): KEYS[4 + 2i]: the entry, KEYS[5 + 2i]: the entry's lock; last, KEYS[#KEYS]: the
-- shard's listener interest (see announcement above).
-- ARGV[1]: the writing process (16 bytes); ARGV[2]: how many changed keys to keep in the log (about: a record of n
-- keys trims the log to about ARGV[2] / n records); ARGV[3]: an epoch to start (16 characters) when the data set has
-- none; ARGV[4]: the channel; ARGV[5]: the mode, then what it takes:
--
-- '0' (changes under the entries' locks) or '1' (optimistic changes, made without the entries' locks): for each
-- entry i, from ARGV[6 + 6i]: the version (first 8 bytes) of the entry the caller read ('' when it read none, '*'
-- to change whatever version is there), the new stored bytes ('' to delete the entry), epoch milliseconds at which
-- Redis may drop the entry (0 for never), the entry's key bytes, the announcement's head, its tail. Returns, per
-- entry in order: the call's sequence number, or without changing the entry: -1 when it is no longer the
-- version the caller read, -2 when an optimistic change finds it locked.
--
-- 'p' (decided puts, as redis-write.lua's mode 'p', reading nothing beforehand): ARGV[6]: the puts' instant
-- (epoch milliseconds); ARGV[7]: the creation's expiry instant (8 bytes), ARGV[8]: its reclaim instant (0: never);
-- ARGV[9]: the update's expiry instant (8 bytes), '' to keep the entry's (and its reclaim instant), ARGV[10]: its
-- reclaim instant; ARGV[11]: the CREATED head, ARGV[12]: the UPDATED head; then for each entry i, from
-- ARGV[13 + 3i]: the entry's key bytes, the new value's payload, the new version (8 bytes). Each put creates
-- when the entry is absent or expired at the instant, else updates it, and announces CREATED or UPDATED (with the
-- old value). Returns two items per entry in order: the call's sequence number and the first 16 bytes (version,
-- expiry instant) of the entry it found, live or not, '' when none; or -2 and '' while the entry is locked.
--
-- 'r' (decided removals, reading nothing beforehand): ARGV[6]: the removals' instant; ARGV[7]: the REMOVED head,
-- ARGV[8]: the EXPIRED head; then for each entry i, ARGV[9 + i]: the entry's key bytes. Each removal of an entry
-- announces REMOVED (with the old value), or EXPIRED when the entry had expired at the instant. Returns two items
-- per entry in order: the call's sequence number and the first 16 bytes of the entry it removed; 0 and '' when
-- there was none (nothing changed, nothing logged); -2 and '' while the entry is locked.
local results = {}
local epoch = false
local seq = nil
local ready = false
local mode = ARGV[5]
local count = math.floor((#KEYS - 3) / 2)
-- The call's changes: the writes to make, the log record's keys, the announcement's head and its changes.
local writes = {}
local logged = {}
local batchHead = nil
local changes = {}

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

-- Notes the change of the entry named entry (key bytes k) for the call's writes and log record: stored is the new
-- stored bytes (nil to delete the entry), option 'PXAT' with reclaimAt, 'KEEPTTL', or nil; change is its part of
-- the announcement (kind, event type, trimmed tail). Returns the call's sequence number, which its changes share.
local function note(entry, stored, option, reclaimAt, k, head, change)
  if not ready then
    prepare()
  end
  writes[#writes + 1] = {entry, stored, option, reclaimAt}
  logged[#logged + 1] = struct.pack('>i4', #k) .. k
  if not batchHead then
    batchHead = string.sub(head, 1, 16) .. '\5\0' .. string.sub(head, 19, 20)
  end
  changes[#changes + 1] = change
  return seq + 1
end

-- A change's part of the announcement from its tail, as the caller built it (modes '0' and '1').
local function fromTail(head, tail)
  local one = announcement(KEYS[#KEYS], head, '', tail)
  return string.sub(one, 17, 18) .. string.sub(one, 21)
end

-- A decided change's part of the announcement, built trimmed (as announcement above trims a tail) without first
-- copying values that no process wants: payload is the new value (nil for none), current the entry found (its
-- value, from byte 17, is the old value; nil for none).
local function decided(head, k, payload, current)
  local eventType = string.sub(head, 18, 18)
  local key = struct.pack('>i4', #k) .. k
  local level = wanted()
  if level == 'none' then
    return '\3' .. eventType .. key
  end
  local new = payload and (struct.pack('>i4', #payload) .. payload) or struct.pack('>i4', -1)
  if current and level == 'values' then
    return '\4' .. eventType .. key .. new .. struct.pack('>i4', -1)
  end
  local old = current and (struct.pack('>i4', #current - 16) .. string.sub(current, 17)) or struct.pack('>i4', -1)
  return string.sub(head, 17, 17) .. eventType .. key .. new .. old
end

-- Logs the call's changes as one record (the first write), makes them, records the sequence number and announces
-- them once; returns the results.
local function finish()
  if #writes == 0 then
    return results
  end
  seq = seq + 1
  local keep = math.max(1, math.floor(tonumber(ARGV[2]) / #logged))
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', keep, seq .. '-0', 'o', ARGV[1], 'm', table.concat(logged))
  for _, write in ipairs(writes) do
    local entry, stored, option = write[1], write[2], write[3]
    if stored == nil then
      redis.call('DEL', entry)
    elseif option == 'PXAT' then
      redis.call('SET', entry, stored, 'PXAT', write[4])
    elseif option == 'KEEPTTL' then
      redis.call('SET', entry, stored, 'KEEPTTL')
    else
      redis.call('SET', entry, stored)
    end
  end
  redis.call('SET', KEYS[1], seq)
  redis.call('PUBLISH', ARGV[4], batchHead .. epoch .. string.format('%020d', seq) .. table.concat(changes))
  return results
end

-- The option and reclaim instant of a SET that lets Redis drop the entry at reclaimAt (0: never).
local function expiring(reclaimAt)
  if reclaimAt > 0 then
    return 'PXAT', reclaimAt
  end
  return nil, nil
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
      local current = redis.call('GET', entry)
      local k, payload = ARGV[a], ARGV[a + 1]
      local head, old, stored, option, reclaimAt
      if current and struct.unpack('>i8', current, 9) > now then
        head, old = ARGV[12], current
        if ARGV[9] == '' then
          stored, option = ARGV[a + 2] .. string.sub(current, 9, 16) .. payload, 'KEEPTTL'
        else
          stored = ARGV[a + 2] .. ARGV[9] .. payload
          option, reclaimAt = expiring(tonumber(ARGV[10]))
        end
      else
        head = ARGV[11]
        stored = ARGV[a + 2] .. ARGV[7] .. payload
        option, reclaimAt = expiring(tonumber(ARGV[8]))
      end
      results[2 * i + 1] = note(entry, stored, option, reclaimAt, k, head, decided(head, k, payload, old))
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
        local k = ARGV[9 + i]
        local head = ARGV[7]
        if struct.unpack('>i8', current, 9) <= now then
          head = ARGV[8]
        end
        results[2 * i + 1] = note(entry, nil, nil, nil, k, head, decided(head, k, nil, current))
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
    local stored, option, reclaimAt = nil, nil, nil
    if ARGV[a + 1] ~= '' then
      stored = ARGV[a + 1]
      option, reclaimAt = expiring(tonumber(ARGV[a + 2]))
    end
    results[i + 1] = note(entry, stored, option, reclaimAt, ARGV[a + 3], ARGV[a + 4], fromTail(ARGV[a + 4], ARGV[a + 5]))
  end
end
return finish()
