-- The announcement of a change: its head, then middle (epoch and sequence number), then of its tail (the
-- key, the new value, the old value, each length-prefixed) only what some process's listeners want, as the
-- cache's listener interest records it (KEYS[6]; see ListenerInterest.java): members '<process>:v'
-- (values) and '<process>:o' (old values too), each scored with the instant (Redis time, milliseconds) its
-- lease runs out. With no live member: the key alone, and the head's kind (byte 17) 3; with none that wants
-- old values: the key and the new value, and kind 4; else the whole tail. A change that is no event (event
-- type, byte 18, zero) has no values to leave out.
--
--
-- The tail comes in two parts, so that an old value no listener wants is never copied: tail, the key and the new
-- value, and old: true for the payload of the entry the script found (current, below), false for none (announced
-- as length -1), nil where tail is whole already (the old value in it).
local NO_VALUE = struct.pack('>i4', -1)
local current = redis.call('GET', KEYS[1])
local function whole(head, middle, tail, old)
  if old == nil then
    return head .. middle .. tail
  elseif old then
    return head .. middle .. tail .. struct.pack('>i4', #current - 16) .. string.sub(current, 17)
  end
  return head .. middle .. tail .. NO_VALUE
end
local function announcement(interest, head, middle, tail, old)
  if string.byte(head, 18) == 0 then
    return whole(head, middle, tail, old)
  end
  -- No interest set (no process has listeners, the common case): no member is live, and neither Redis's clock
  -- nor the set needs reading.
  local wanted = {}
  if redis.call('EXISTS', interest) == 1 then
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    wanted = redis.call('ZRANGEBYSCORE', interest, string.format('(%d', now), '+inf')
  end
  for _, member in ipairs(wanted) do
    if string.sub(member, -2) == ':o' then
      return whole(head, middle, tail, old)
    end
  end
  local keyEnd = 4 + struct.unpack('>i4', tail)
  if #wanted == 0 then
    return string.sub(head, 1, 16) .. '\3' .. string.sub(head, 18) .. middle .. string.sub(tail, 1, keyEnd)
  end
  local newEnd = keyEnd + 4 + math.max(struct.unpack('>i4', tail, keyEnd + 1), 0)
  if old == false or (old == nil and struct.unpack('>i4', tail, newEnd + 1) < 0) then
    return whole(head, middle, tail, old)
  end
  return string.sub(head, 1, 16) .. '\4' .. string.sub(head, 18) .. middle .. string.sub(tail, 1, newEnd)
    .. NO_VALUE
end
-- Changes one entry, and logs and announces the change, in one atomic step: everything that can fail is
-- checked before the first write, because Redis does not roll a script back.
--
-- KEYS[1]: the entry; KEYS[2]: the cache's sequence; KEYS[3]: the cache's invalidation log (a stream);
-- KEYS[4]: the cache's epoch; KEYS[5]: the entry's lock; KEYS[6]: the cache's listener interest; KEYS[7] (mode
-- 'u' only): the channel the lock's release is announced on.
-- ARGV[1]: the version (first 8 bytes) of the entry the caller read, '' when it read none, '*' to change
-- whatever version is there;
-- ARGV[2]: the new stored bytes, '' to delete the entry;
-- ARGV[3]: epoch milliseconds at which Redis may drop the entry, 0 for never;
-- ARGV[4]: the writing process (16 bytes); ARGV[5]: the entry's key bytes; ARGV[6]: how many log records to
-- keep (about); ARGV[7]: an epoch to start (16 characters) when the data set has none; ARGV[8]: the channel;
-- ARGV[9]: the announcement's head; ARGV[10]: its tail; ARGV[11]: '0' for a change made under the entry's lock,
-- 'u' for one that also releases the lock (below), '1' for an optimistic change, made without the entry's lock;
-- 'p' for a decided put, 'a', 'r' or 'd' for the other decided writes (below).
--
-- Returns the change's sequence number, or without changing anything: -1 when the entry is no longer the
-- version the caller read (for a locked change: the lock's lease ran out and another process changed it; for
-- an optimistic one: another change came first), -2 when an optimistic change finds the entry locked.
--
-- A locked change that releases its lock (ARGV[11] = 'u', the second and last call of a locked change, after
-- redis-lock.lua took the lock and read the entry) releases it once as redis-unlock.lua does, whether it writes or
-- the version fence refuses the change (not when the script fails: then the caller releases it):
-- ARGV[12]: the holder's field; ARGV[13]: the lease (milliseconds); ARGV[14]: 'publish' or 'spublish'.
--
-- A decided put (ARGV[11] = 'p') reads nothing beforehand: the caller sends both its outcomes, and the script
-- picks the creation when the entry is absent or expired at the put's instant, else the update, and announces
-- it as CREATED or UPDATED (with the old value) exactly as the caller would have. Then ARGV[1] and ARGV[3] are
-- unused, ARGV[2] is the new value's payload, ARGV[9] the CREATED head, ARGV[10] the tail without the old value
-- (key and new value); ARGV[12]: the decision, 50 bytes (each argument costs the client a buffer and the server a
-- string, so the fixed-size ones travel as one): the put's instant (epoch milliseconds, 8 bytes big-endian, as
-- every instant here), the new version (8 bytes), the creation's expiry instant, its reclaim instant (0: never),
-- the update's expiry instant, its reclaim instant, then '1' to keep the entry's expiry and reclaim instants on
-- an update ('0': the update's), and '1' to return the whole entry found; ARGV[13]: the UPDATED head. Returns
-- {sequence, the entry's first 16 bytes (version, expiry instant), or all of it} when it held one, live or not,
-- {sequence} when none, {-2} while the entry is locked.
--
-- The other decided writes take the same arguments and reply, with 0 as the sequence where they write nothing:
-- 'a' (put if absent) makes the put's creation where the entry is absent or expired, and writes nothing where it
-- is live; 'r' (replace) makes the put's update where it is live, deletes it where it is expired (announced as
-- EXPIRED), writes nothing where it is absent; 'd' (remove) deletes the entry, announced as REMOVED where it is
-- live, EXPIRED where not, and writes nothing where it is absent. ARGV[14]: the REMOVED head, ARGV[15]: the
-- EXPIRED head, ARGV[16]: a deletion's tail before the old value (key, no new value). 'c' (replace if it holds)
-- is 'r' where the live entry's payload is ARGV[17], byte for byte, and writes nothing where it holds another.
-- A put ('p') and a put if absent ('a') delete nothing: they are sent without ARGV[14] to ARGV[17].
--
-- When the cache's control keys are gone or damaged (evicted under an allkeys-* policy, deleted by hand), the
-- sequence could go backwards and the log could refuse the record: the script then starts a new epoch with an
-- empty log, so that every process drops the near copies it can no longer prove. (The entry, current, is read at
-- the top.)
local stored, reclaimAt, head, tail, old = ARGV[2], tonumber(ARGV[3]), ARGV[9], ARGV[10], nil
local mode = ARGV[11]
local decided = mode == 'p' or mode == 'a' or mode == 'r' or mode == 'd' or mode == 'c'
-- Releases the entry's lock once in mode 'u' (see redis-unlock.lua), and returns reply.
local function released(reply)
  if mode == 'u' and redis.call('HEXISTS', KEYS[5], ARGV[12]) == 1 then
    if redis.call('HINCRBY', KEYS[5], ARGV[12], -1) > 0 then
      redis.call('PEXPIRE', KEYS[5], ARGV[13])
    else
      redis.call('DEL', KEYS[5])
      redis.call(ARGV[14], KEYS[7], '0')
    end
  end
  return reply
end
-- The reply of a decided write: its sequence number (0: nothing written), and the entry it found.
local function found(seq)
  if current then
    if string.byte(ARGV[12], 50) == 49 then
      return {seq, current}
    end
    return {seq, string.sub(current, 1, 16)}
  end
  return {seq}
end
if decided then
  if redis.call('EXISTS', KEYS[5]) == 1 then
    return {-2}
  end
  local decision = ARGV[12]
  local live = current and struct.unpack('>i8', current, 9) > struct.unpack('>i8', decision, 1)
  if (mode == 'a' and live) or (not current and mode ~= 'p' and mode ~= 'a')
      or (mode == 'c' and live and string.sub(current, 17) ~= ARGV[17]) then
    return found(0)
  end
  if mode == 'd' or (not live and (mode == 'r' or mode == 'c')) then
    stored = ''
    head = live and ARGV[14] or ARGV[15]
    tail = ARGV[16]
    old = true
  elseif live then
    local expiry = string.sub(current, 9, 16)
    reclaimAt = -1
    if string.byte(decision, 49) ~= 49 then
      expiry = string.sub(decision, 33, 40)
      reclaimAt = struct.unpack('>i8', decision, 41)
    end
    stored = string.sub(decision, 9, 16) .. expiry .. ARGV[2]
    head = ARGV[13]
    old = true
  else
    stored = string.sub(decision, 9, 24) .. ARGV[2]
    reclaimAt = struct.unpack('>i8', decision, 25)
    old = false
  end
elseif ARGV[11] == '1' then
  if redis.call('EXISTS', KEYS[5]) == 1 then
    return -2
  end
  if (ARGV[1] == '' and current) or (ARGV[1] ~= '' and ((not current) or string.sub(current, 1, 8) ~= ARGV[1])) then
    return -1
  end
elseif current and ARGV[1] ~= '*' and string.sub(current, 1, 8) ~= ARGV[1] then
  return released(-1)
end
-- The control keys are read with one MGET, which answers nil for a key that is missing or not a string. The log's
-- top is not read: XADD refuses an id at or below the log's last one (and a log that is not a stream), which is
-- exactly the case of a sequence that went backwards, so the record is tried first, as the first write, and that
-- refusal starts the new epoch instead.
local control = redis.call('MGET', KEYS[4], KEYS[2])
local epoch, seq = control[1], tonumber(control[2])
local logged = false
if epoch and seq and seq >= 0 and seq == math.floor(seq) then
  seq = seq + 1
  local refusal = redis.pcall('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], seq .. '-0', 'o', ARGV[4], 'k', ARGV[5])['err']
  -- Any other refusal (out of memory, a read-only replica) fails the script before its first write.
  if refusal and not (string.find(refusal, 'WRONGTYPE', 1, true) or string.find(refusal, 'equal or smaller', 1, true)) then
    return redis.error_reply(refusal)
  end
  logged = not refusal
end
if not logged then
  redis.call('DEL', KEYS[3])
  epoch = ARGV[7]
  redis.call('SET', KEYS[4], epoch)
  seq = 1
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], seq .. '-0', 'o', ARGV[4], 'k', ARGV[5])
end
redis.call('SET', KEYS[2], seq)
if stored == '' then
  redis.call('DEL', KEYS[1])
elseif reclaimAt > 0 then
  redis.call('SET', KEYS[1], stored, 'PXAT', reclaimAt)
elseif reclaimAt < 0 then
  redis.call('SET', KEYS[1], stored, 'KEEPTTL')
else
  redis.call('SET', KEYS[1], stored)
end
redis.call('PUBLISH', ARGV[8], announcement(KEYS[6], head, epoch .. string.format('%020d', seq), tail, old))
if decided then
  return found(seq)
end
return released(seq)
