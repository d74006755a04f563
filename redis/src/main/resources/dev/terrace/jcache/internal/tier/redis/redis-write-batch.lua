-- Changes several entries of one shard, each as redis-write.lua changes one: the same version check (or the same
-- decision of a decided put), and for each change the same event in the announcement. The call takes ONE sequence
-- number, appends ONE log record and publishes ONE announcement for all its changes (none when it changed nothing),
-- so that the server's work per entry is the entry's own: the record's field 'm' holds every changed key (each
-- length-prefixed, 4 bytes big-endian), and the announcement (kind 5, see Announcement.java) holds each change's
-- kind, event type and tail, trimmed to what the listeners want (below), in the order of the entries. An entry whose
-- check fails is left as it is and reported; the others are still changed. Every entry is decided before the first
-- write, and the log record is that first write, because Redis does not roll a script back: should a later write
-- fail, the log holds a number past the shard's sequence, and the next change starts a new epoch (below), so that
-- every process drops the near copies it cannot prove.
--
-- The server's work is a handful of commands per call, not per entry: one MGET reads every entry, one EXISTS of
-- every entry's lock tells whether any is locked (then, and only then, each lock is asked alone), one MGET reads
-- the control keys and the no-interest marker, and the writes go out as one DEL of the deleted entries, one MSET
-- of those stored without a time to live, and a SET each for the others (PXAT, or KEEPTTL where an update keeps a
-- finite expiry instant). The decided modes take their keys packed in one argument, which is the log record's
-- field 'm' as it stands when every entry is changed.
--
-- KEYS[1]: the shard's sequence; KEYS[2]: the shard's invalidation log (a stream); KEYS[3]: the shard's epoch;
-- then the n entries, KEYS[4] to KEYS[3 + n], then their locks in the same order, KEYS[4 + n] to KEYS[3 + 2n];
-- then KEYS[#KEYS - 1]: the shard's listener interest (see ListenerInterest.java); last, KEYS[#KEYS]: its
-- no-interest marker (below).
-- ARGV[1]: the writing process (16 bytes); ARGV[2]: how many changed keys to keep in the log (about: a record of n
-- keys trims the log to about ARGV[2] / n records); ARGV[3]: an epoch to start (16 characters) when the data set has
-- none; ARGV[4]: the channel; ARGV[5]: the mode, then what it takes:
--
-- '0' (changes under the entries' locks) or '1' (optimistic changes, made without the entries' locks): for each
-- entry i (from 0), from ARGV[6 + 5i]: the version (first 8 bytes) of the entry the caller read ('' when it read
-- none, '*' to change whatever version is there), the new stored bytes ('' to delete the entry), epoch milliseconds
-- at which Redis may drop the entry (0 for never), the announcement's head, its tail (which starts with the
-- length-prefixed key). Returns, per entry in order: the call's sequence number, or without changing the entry: -1
-- when it is no longer the version the caller read, -2 when an optimistic change finds it locked.
--
-- 'p' (decided puts, as redis-write.lua's mode 'p', reading nothing beforehand): ARGV[6]: the puts' instant
-- (epoch milliseconds); ARGV[7]: the creation's expiry instant (8 bytes), ARGV[8]: its reclaim instant (0: never);
-- ARGV[9]: the update's expiry instant (8 bytes), '' to keep the entry's (and its reclaim instant), ARGV[10]: its
-- reclaim instant; ARGV[11]: the CREATED head, ARGV[12]: the UPDATED head; ARGV[13]: the entries' keys, in order,
-- each length-prefixed (4 bytes, big-endian): the log record's field 'm' as it is when every entry is changed; then
-- for each entry i (from 1), ARGV[13 + i]: the stored bytes of the entry created (the new version, ARGV[7], the new
-- value's payload). Each put creates when the entry is absent or expired at the instant, else updates it (the same
-- version and payload, the update's expiry instant), and announces CREATED or UPDATED (with the old value).
--
-- 'r' (decided removals, reading nothing beforehand): ARGV[6]: the removals' instant; ARGV[7]: the REMOVED head,
-- ARGV[8]: the EXPIRED head; ARGV[9]: the entries' keys, as ARGV[13] of mode 'p'. Each removal of an entry
-- announces REMOVED (with the old value), or EXPIRED when the entry had expired at the instant.
--
-- Modes 'p' and 'r' return {the call's sequence number (0: nothing written), what was found}: 9 bytes per entry in
-- order, a status byte, then the expiry instant (8 bytes) of the entry found, live or not: status 0 when there was
-- none (a put created it, a removal changed nothing), 1 when there was one (changed), 2 while the entry is locked
-- (left as it is; the expiry bytes then zero).
local n = (#KEYS - 5) / 2
local INTEREST, MARKER = KEYS[#KEYS - 1], KEYS[#KEYS]
local sub, unpackBytes = string.sub, struct.unpack
local mode = ARGV[5]
local NONE = struct.pack('>i4', -1)
local ZERO = string.rep('\0', 8)

-- The control keys (the epoch, the sequence) and the no-interest marker, read with one MGET (false for a key
-- missing or not a string) the first time the call needs any of them: a call that changes nothing and announces
-- nothing reads none.
local control = nil
local function controlKeys()
  if control == nil then
    control = redis.call('MGET', KEYS[3], KEYS[1], MARKER)
  end
  return control
end

-- What the listeners want, as the cache's listener interest records it (INTEREST): members '<process>:v'
-- (values) and '<process>:o' (old values too), each scored with the instant (Redis time, milliseconds) its lease
-- runs out. 'none' with no live member (the changes then announce the key alone, kind 3), 'values' with none
-- that wants old values (the key and the new value, kind 4), else 'all'. Read once per call (Redis runs the script
-- as one step, so every change of the batch sees the same interest).
--
-- As in redis-write.lua, the no-interest marker (MARKER) is there only while the set is known to hold no live
-- member: this script sets it when it read the set and found none, and redis-interest.lua deletes it before it
-- records any member, in the same atomic step. While it stands (no process has listeners, the common case)
-- neither Redis's clock nor the set is read; a marker that is missing (never set, evicted, deleted by hand) only
-- costs reading the set: it never hides a live member.
local wants = nil
local function wanted()
  if wants == nil then
    wants = 'none'
    if not controlKeys()[3] then
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
      local members = redis.call('ZRANGEBYSCORE', INTEREST, string.format('(%d', now), '+inf')
      if #members == 0 then
        redis.call('SET', MARKER, '1')
      else
        wants = 'values'
      end
      for _, member in ipairs(members) do
        if sub(member, -2) == ':o' then
          wants = 'all'
        end
      end
    end
  end
  return wants
end

-- The entries, read at once, and which of them are locked (nil: none is).
local current = redis.call('MGET', unpack(KEYS, 4, 3 + n))
local locked = nil
if mode ~= '0' and redis.call('EXISTS', unpack(KEYS, 4 + n, 3 + 2 * n)) > 0 then
  locked = {}
  for i = 1, n do
    locked[i] = redis.call('EXISTS', KEYS[3 + n + i]) == 1
  end
end

-- The call's changes: the writes to make (deletions, MSET pairs, SETs with an option), the log record's keys, the
-- announcement's head and changes (pieces, concatenated once).
local deleted, deletedCount = {}, 0
local plain, plainCount = {}, 0
local timed = {}
local logged, loggedCount = {}, 0
local changes, changeCount = {}, 0
local batchHead = nil

-- Notes the change of the entry named entry (length-prefixed key lk) for the call's writes and log record: stored
-- is the new stored bytes (nil to delete the entry), option 'PXAT' with reclaimAt, 'KEEPTTL', or nil (no time to
-- live). The caller adds its part of the announcement.
local function note(entry, stored, option, reclaimAt, lk, head)
  if stored == nil then
    deletedCount = deletedCount + 1
    deleted[deletedCount] = entry
  elseif option == nil then
    plain[plainCount + 1] = entry
    plain[plainCount + 2] = stored
    plainCount = plainCount + 2
  else
    timed[#timed + 1] = {entry, stored, option, reclaimAt}
  end
  loggedCount = loggedCount + 1
  logged[loggedCount] = lk
  if not batchHead then
    batchHead = sub(head, 1, 16) .. '\5\0' .. sub(head, 19, 20)
  end
end

local function announce(piece)
  changeCount = changeCount + 1
  changes[changeCount] = piece
end

-- The kind and event type that start a decided change's part of the announcement: kind 3 (values left out) with no
-- listener, kind 4 (old value left out) for a change that has an old value no listener wants, else the head's.
local function opening(head, hasOld)
  local level = wanted()
  if level == 'none' then
    return '\3' .. sub(head, 18, 18)
  end
  if hasOld and level == 'values' then
    return '\4' .. sub(head, 18, 18)
  end
  return sub(head, 17, 18)
end

-- A decided change's tail after its key, where listeners want values: the new value (payload, nil for none), then
-- the old value (the entry found, from byte 17; nil for none) only where a listener wants old values.
local function values(payload, old)
  if payload then
    announce(struct.pack('>i4', #payload))
    announce(payload)
  else
    announce(NONE)
  end
  if old and wants == 'all' then
    announce(struct.pack('>i4', #old - 16))
    announce(sub(old, 17))
  else
    announce(NONE)
  end
end

-- Logs the call's changes as one record (the first write), makes them, records the sequence number and announces
-- them once. Returns the call's sequence number (0 when there was nothing to change), or nil and the error reply
-- of a log record refused for another reason than a sequence that went backwards (out of memory, a read-only
-- replica): then nothing was written.
local function finish(packedKeys)
  if loggedCount == 0 then
    return 0
  end
  local keep = math.max(1, math.floor(tonumber(ARGV[2]) / loggedCount))
  local record = packedKeys
  if loggedCount < n or not record then
    record = table.concat(logged)
  end
  -- As redis-write.lua: the log's top is not read, because XADD refuses an id at or below it (and a log that is
  -- not a stream): exactly the case of a sequence that went backwards. Control keys gone or damaged start a new
  -- epoch with an empty log.
  local read = controlKeys()
  local epoch, seq = read[1], tonumber(read[2])
  local added = false
  if epoch and seq and seq >= 0 and seq == math.floor(seq) then
    seq = seq + 1
    local refusal = redis.pcall('XADD', KEYS[2], 'MAXLEN', '~', keep, seq .. '-0', 'o', ARGV[1], 'm', record)['err']
    if refusal and not (string.find(refusal, 'WRONGTYPE', 1, true) or string.find(refusal, 'equal or smaller', 1, true)) then
      return nil, redis.error_reply(refusal)
    end
    added = not refusal
  end
  if not added then
    redis.call('DEL', KEYS[2])
    epoch = ARGV[3]
    redis.call('SET', KEYS[3], epoch)
    seq = 1
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', keep, seq .. '-0', 'o', ARGV[1], 'm', record)
  end
  if deletedCount > 0 then
    redis.call('DEL', unpack(deleted))
  end
  if plainCount > 0 then
    -- One MSET; a SET each where the user's ACL does not allow MSET (one written from docs/operations.md before
    -- its line listed +mset): the ACL refuses a command before it runs, so nothing is half done.
    if redis.pcall('MSET', unpack(plain))['err'] then
      for i = 1, plainCount, 2 do
        redis.call('SET', plain[i], plain[i + 1])
      end
    end
  end
  for _, write in ipairs(timed) do
    if write[3] == 'PXAT' then
      redis.call('SET', write[1], write[2], 'PXAT', write[4])
    else
      redis.call('SET', write[1], write[2], 'KEEPTTL')
    end
  end
  redis.call('SET', KEYS[1], seq)
  redis.call('PUBLISH', ARGV[4], batchHead .. epoch .. string.format('%020d', seq) .. table.concat(changes))
  return seq
end

if mode == 'p' or mode == 'r' then
  local now = tonumber(ARGV[6])
  local packedKeys = mode == 'p' and ARGV[13] or ARGV[9]
  local found = {}
  local level = wanted()
  if mode == 'p' then
    local createdHead, updatedHead = ARGV[11], ARGV[12]
    local createdOpening, updatedOpening = opening(createdHead, false), opening(updatedHead, true)
    local createdExpiry, createdReclaim = ARGV[7], tonumber(ARGV[8])
    local updatedExpiry, updatedReclaim = ARGV[9], tonumber(ARGV[10])
    local keyAt = 1
    for i = 1, n do
      local entry, old = KEYS[3 + i], current[i]
      local keyEnd = keyAt + 3 + unpackBytes('>i4', packedKeys, keyAt)
      local lk = sub(packedKeys, keyAt, keyEnd)
      keyAt = keyEnd + 1
      local creation = ARGV[13 + i]
      if locked and locked[i] then
        found[2 * i - 1], found[2 * i] = '\2', ZERO
      else
        local head, stored, option, reclaimAt = createdHead, creation, nil, createdReclaim
        if old then
          local expiry = sub(old, 9, 16)
          found[2 * i - 1], found[2 * i] = '\1', expiry
          if unpackBytes('>i8', old, 9) > now then
            head = updatedHead
            if updatedExpiry ~= '' then
              expiry, reclaimAt = updatedExpiry, updatedReclaim
            elseif expiry == createdExpiry then
              -- The entry's time to live is the one its expiry instant gives (every write sets both), here the
              -- creation's.
              reclaimAt = createdReclaim
            else
              reclaimAt = -1
            end
            if expiry ~= createdExpiry then
              stored = sub(creation, 1, 8) .. expiry .. sub(creation, 17)
            end
          else
            old = nil
          end
        else
          found[2 * i - 1], found[2 * i] = '\0', ZERO
        end
        if reclaimAt > 0 then
          option = 'PXAT'
        elseif reclaimAt < 0 then
          option = 'KEEPTTL'
        end
        note(entry, stored, option, reclaimAt, lk, head)
        announce(head == createdHead and createdOpening or updatedOpening)
        announce(lk)
        if level ~= 'none' then
          values(sub(creation, 17), old)
        end
      end
    end
  else
    local removedHead, expiredHead = ARGV[7], ARGV[8]
    local removedOpening, expiredOpening = opening(removedHead, true), opening(expiredHead, true)
    local keyAt = 1
    for i = 1, n do
      local old = current[i]
      local keyEnd = keyAt + 3 + unpackBytes('>i4', packedKeys, keyAt)
      local lk = sub(packedKeys, keyAt, keyEnd)
      keyAt = keyEnd + 1
      if locked and locked[i] then
        found[2 * i - 1], found[2 * i] = '\2', ZERO
      elseif not old then
        found[2 * i - 1], found[2 * i] = '\0', ZERO
      else
        found[2 * i - 1], found[2 * i] = '\1', sub(old, 9, 16)
        local head, prefix = removedHead, removedOpening
        if unpackBytes('>i8', old, 9) <= now then
          head, prefix = expiredHead, expiredOpening
        end
        note(KEYS[3 + i], nil, nil, nil, lk, head)
        announce(prefix)
        announce(lk)
        if level ~= 'none' then
          values(nil, old)
        end
      end
    end
  end
  local seq, failure = finish(packedKeys)
  if failure then
    return failure
  end
  return {seq, table.concat(found)}
end

-- A change's part of the announcement from its tail, as the caller built it (modes '0' and '1'): its kind and
-- event type, then the tail trimmed to what the listeners want.
local function fromTail(head, tail)
  if string.byte(head, 18) == 0 or wanted() == 'all' then
    return sub(head, 17, 18) .. tail
  end
  local keyEnd = 4 + unpackBytes('>i4', tail)
  if wants == 'none' then
    return '\3' .. sub(head, 18, 18) .. sub(tail, 1, keyEnd)
  end
  local newEnd = keyEnd + 4 + math.max(unpackBytes('>i4', tail, keyEnd + 1), 0)
  if unpackBytes('>i4', tail, newEnd + 1) < 0 then
    return sub(head, 17, 18) .. tail
  end
  return '\4' .. sub(head, 18, 18) .. sub(tail, 1, newEnd) .. NONE
end

local results = {}
for i = 1, n do
  local a = 1 + 5 * i
  local version, old = ARGV[a], current[i]
  local verdict = 0
  if mode == '1' then
    if locked and locked[i] then
      verdict = -2
    elseif (version == '' and old) or (version ~= '' and ((not old) or sub(old, 1, 8) ~= version)) then
      verdict = -1
    end
  elseif old and version ~= '*' and sub(old, 1, 8) ~= version then
    verdict = -1
  end
  results[i] = verdict
  if verdict == 0 then
    local stored, option, reclaimAt = nil, nil, nil
    if ARGV[a + 1] ~= '' then
      stored = ARGV[a + 1]
      reclaimAt = tonumber(ARGV[a + 2])
      if reclaimAt > 0 then
        option = 'PXAT'
      end
    end
    local head, tail = ARGV[a + 3], ARGV[a + 4]
    note(KEYS[3 + i], stored, option, reclaimAt, sub(tail, 1, 4 + unpackBytes('>i4', tail)), head)
    announce(fromTail(head, tail))
  end
end
local seq, failure = finish()
if failure then
  return failure
end
for i = 1, n do
  if results[i] == 0 then
    results[i] = seq
  end
end
return results
