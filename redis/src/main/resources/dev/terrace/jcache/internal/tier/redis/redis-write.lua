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
-- One read for what every write needs (a missing key, or one that is no string, reads false): the entry, the
-- epoch, the sequence, and the shard's no-interest marker (below). Each redis.call costs the server about a
-- microsecond, more than the work of most of them.
local read = redis.call('MGET', KEYS[1], KEYS[4], KEYS[2], KEYS[7])
local current, noInterest = read[1], read[4]
local function whole(head, middle, tail, old)
  if old == nil then
    return head .. middle .. tail
  elseif old then
    return head .. middle .. tail .. struct.pack('>i4', #current - 16) .. string.sub(current, 17)
  end
  return head .. middle .. tail .. NO_VALUE
end
-- KEYS[7], the no-interest marker, is there only while the interest set is known to hold no live member: this
-- script sets it when it read the set and found none, and redis-interest.lua deletes it before it records any
-- member, in the same atomic step. A marker that is missing (never set, evicted, deleted by hand) only costs
-- reading the set: it never hides a live member.
local function announcement(interest, head, middle, tail, old)
  if string.byte(head, 18) == 0 then
    return whole(head, middle, tail, old)
  end
  local wanted = {}
  if not noInterest then
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    wanted = redis.call('ZRANGEBYSCORE', interest, string.format('(%d', now), '+inf')
    if #wanted == 0 then
      redis.call('SET', KEYS[7], '1')
    end
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
-- KEYS[4]: the cache's epoch; KEYS[5]: the entry's lock; KEYS[6]: the cache's listener interest; KEYS[7]: its
-- no-interest marker (above); KEYS[8] (mode 'u' only): the channel the lock's release is announced on.
--
-- Each argument costs the client a buffer and the server a Lua string, so what is fixed per shard travels as one,
-- and what is fixed-size per call as another:
-- ARGV[1]: the shard's constants (ShardWriteArguments): this process's CREATED, UPDATED, REMOVED and EXPIRED heads
-- (20 bytes each; the first 16 bytes of a head are the writing process), one byte n, how many log records to keep
-- (about; n decimal digits), then the channel;
-- ARGV[2]: the call: its mode (1 byte: '0' for a change made under the entry's lock, 'u' for one that also releases
-- the lock (below), '1' for an optimistic change, made without the entry's lock; 'a', 'r', 'd' or 'c' for the
-- decided writes, below; a decided put is redis-put.lua's), then for the modes '0', 'u' and '1' an epoch to start (16
-- characters) when the data set has none, and the version (first 8 bytes) of the entry the caller read, '' when
-- it read none, '*' to change whatever version is there.
--
-- Modes '0', 'u' and '1': ARGV[3]: the new stored bytes, '' to delete the entry; ARGV[4]: epoch milliseconds at
-- which Redis may drop the entry, 0 for never; ARGV[5]: the announcement's head; ARGV[6]: its tail, which starts
-- with the entry's key (length-prefixed).
--
-- Returns the change's sequence number, or without changing anything: -1 when the entry is no longer the
-- version the caller read (for a locked change: the lock's lease ran out and another process changed it; for
-- an optimistic one: another change came first), -2 when an optimistic change finds the entry locked.
--
-- A locked change that releases its lock (mode 'u', the second and last call of a locked change, after
-- redis-lock.lua took the lock and read the entry) releases it once as redis-unlock.lua does, whether it writes or
-- the version fence refuses the change (not when the script fails: then the caller releases it):
-- ARGV[7]: the holder's field; ARGV[8]: the lease (milliseconds); ARGV[9]: 'publish' or 'spublish'.
--
-- The decided writes read nothing beforehand: the caller sends the outcomes a put would have, and the script picks
-- one by whether the entry is absent, expired or live at the write's instant, and announces it exactly as the
-- caller would have. ARGV[2] holds after the mode the decision, 50 bytes, then the epoch to start (16 characters):
-- the write's instant (epoch milliseconds, 8 bytes big-endian, as every instant here), the new version (8 bytes), the
-- creation's expiry instant, its reclaim instant (0: never), the update's expiry instant, its reclaim instant, then
-- '1' to keep the entry's expiry and reclaim instants on an update ('0': the update's), and '1' to return the whole
-- entry found. ARGV[3]: the announcement's tail without the old value: the key and the new value's payload, each
-- length-prefixed (the script takes the payload from there). Returns {sequence, the entry's first 16 bytes
-- (version, expiry instant), or all of it} when it held one, live or not, {sequence} when none, {-2} while the
-- entry is locked; the sequence is 0 where it writes nothing. A decided put decides alike in a script of its own,
-- redis-put.lua, the most frequent write, with arguments and a reply cut to what it needs.
--
-- 'a' (put if absent) makes the put's creation where the entry is absent or expired, and writes nothing where it
-- is live; 'r' (replace) makes the put's update where it is live, deletes it where it is expired (announced as
-- EXPIRED), writes nothing where it is absent; 'd' (remove) deletes the entry, announced as REMOVED where it is
-- live, EXPIRED where not, and writes nothing where it is absent. 'c' (replace if it holds) is 'r' where the live
-- entry's payload is ARGV[4], byte for byte, and writes nothing where it holds another.
--
-- When the cache's control keys are gone or damaged (evicted under an allkeys-* policy, deleted by hand), the
-- sequence could go backwards and the log could refuse the record: the script then starts a new epoch with an
-- empty log, so that every process drops the near copies it can no longer prove. (The entry, current, and the
-- control keys are read at the top.)
local constants, call = ARGV[1], ARGV[2]
-- Every string cut out of an argument costs Lua an allocation and a hash, so the call's fixed-size part is read in
-- place where it can be (d: where the decision starts in it).
local mode = string.sub(call, 1, 1)
local origin = string.sub(constants, 1, 16)
local digits = string.byte(constants, 81)
local logLength = string.sub(constants, 82, 81 + digits)
local channel = string.sub(constants, 82 + digits)
local decided = mode == 'a' or mode == 'r' or mode == 'd' or mode == 'c'
local d = 1
local stored, reclaimAt, head, tail, old
if decided then
  tail = ARGV[3]
else
  stored, reclaimAt, head, tail = ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
end
local keyEnd = 4 + struct.unpack('>i4', tail)
local key = string.sub(tail, 5, keyEnd)
-- The head of this process's change of event type t (1 CREATED, 2 UPDATED, 3 REMOVED, 4 EXPIRED).
local function headOf(t)
  return string.sub(constants, 20 * t - 19, 20 * t)
end
-- Releases the entry's lock once in mode 'u' (see redis-unlock.lua), and returns reply.
local function released(reply)
  if mode == 'u' and redis.call('HEXISTS', KEYS[5], ARGV[7]) == 1 then
    if redis.call('HINCRBY', KEYS[5], ARGV[7], -1) > 0 then
      redis.call('PEXPIRE', KEYS[5], ARGV[8])
    else
      redis.call('DEL', KEYS[5])
      redis.call(ARGV[9], KEYS[8], '0')
    end
  end
  return reply
end
-- The reply of a decided write: its sequence number (0: nothing written), and the entry it found.
local function found(seq)
  if current then
    if string.byte(call, 51) == 49 then
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
  local payload = string.sub(tail, keyEnd + 5)
  local live = current and struct.unpack('>i8', current, 9) > struct.unpack('>i8', call, d + 1)
  if (mode == 'a' and live) or (not current and mode ~= 'a')
      or (mode == 'c' and live and string.sub(current, 17) ~= ARGV[4]) then
    return found(0)
  end
  if mode == 'd' or (not live and (mode == 'r' or mode == 'c')) then
    stored = ''
    head = headOf(live and 3 or 4)
    tail = string.sub(tail, 1, keyEnd) .. NO_VALUE
    old = true
  elseif live then
    local expiry = string.sub(current, 9, 16)
    reclaimAt = -1
    if string.byte(call, d + 49) ~= 49 then
      expiry = string.sub(call, d + 33, d + 40)
      reclaimAt = struct.unpack('>i8', call, d + 41)
    end
    stored = string.sub(call, d + 9, d + 16) .. expiry .. payload
    head = headOf(2)
    old = true
  else
    stored = string.sub(call, d + 9, d + 24) .. payload
    reclaimAt = struct.unpack('>i8', call, d + 25)
    head = headOf(1)
    old = false
  end
else
  local version = string.sub(call, 18)
  if mode == '1' then
    if redis.call('EXISTS', KEYS[5]) == 1 then
      return -2
    end
    if (version == '' and current) or (version ~= '' and ((not current) or string.sub(current, 1, 8) ~= version)) then
      return -1
    end
  elseif current and version ~= '*' and string.sub(current, 1, 8) ~= version then
    return released(-1)
  end
end
-- The log's top is not read: XADD refuses an id at or below the log's last one (and a log that is not a stream),
-- which is exactly the case of a sequence that went backwards, so the record is tried first, as the first write,
-- and that refusal starts the new epoch instead.
local epoch, seq = read[2], tonumber(read[3])
local logged = false
if epoch and seq and seq >= 0 and seq == math.floor(seq) then
  seq = seq + 1
  local refusal = redis.pcall('XADD', KEYS[3], 'MAXLEN', '~', logLength, seq .. '-0', 'o', origin, 'k', key)['err']
  -- Any other refusal (out of memory, a read-only replica) fails the script before its first write.
  if refusal and not (string.find(refusal, 'WRONGTYPE', 1, true) or string.find(refusal, 'equal or smaller', 1, true)) then
    return redis.error_reply(refusal)
  end
  logged = not refusal
end
if not logged then
  redis.call('DEL', KEYS[3])
  epoch = decided and string.sub(call, 52, 67) or string.sub(call, 2, 17)
  redis.call('SET', KEYS[4], epoch)
  seq = 1
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', logLength, seq .. '-0', 'o', origin, 'k', key)
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
redis.call('PUBLISH', channel, announcement(KEYS[6], head, epoch .. string.format('%020d', seq), tail, old))
if decided then
  return found(seq)
end
return released(seq)
