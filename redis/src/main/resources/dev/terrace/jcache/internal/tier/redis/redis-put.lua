-- A decided put (Cache.put, getAndPut): reads nothing beforehand, picks the creation when the entry is absent or
-- expired at the put's instant, else the update, and writes, sequences, logs and announces it (CREATED, or UPDATED
-- with the old value) in one atomic step, as redis-write.lua makes every other single-key change. It is the most
-- frequent write, so it has a script of its own, kept to the few commands and the few strings a put needs: each
-- redis.call costs the server about a microsecond beyond its command, each string built costs Lua an allocation
-- and a hash, and each closure an allocation, on every call.
--
-- KEYS as redis-write.lua's: [1] the entry, [2] the shard's sequence, [3] its invalidation log (a stream), [4] its
-- epoch, [5] the entry's lock, [6] the listener interest, [7] the no-interest marker (see redis-write.lua).
-- ARGV[1]: the shard's put constants (ShardWriteArguments): this process's CREATED and UPDATED heads as announced
-- without values (kind 3; 20 bytes each, the first 16 the writing process), one byte n, how many log records to keep
-- (about; n decimal digits), then the channel.
-- ARGV[2]: 'p', then the decision, 50 bytes: the put's instant (epoch milliseconds, 8 bytes big-endian, as every
-- instant here), the new version (8 bytes, as in ARGV[3]), the creation's expiry instant, its reclaim instant (0:
-- never), the update's expiry instant, its reclaim instant, '1' to keep the entry's expiry and reclaim instants on
-- an update ('0': the update's), '1' to return the whole entry found; then the epoch to start (16 characters), then
-- the key, length-prefixed (4 bytes), as the announcement's tail starts.
-- ARGV[3]: the creation's stored bytes: the new version, the creation's expiry instant, the new value's payload. An
-- update stores them as they are where its expiry instant is the creation's (an eternal entry in an eternal cache;
-- under a modified policy), else with its own expiry instant in their place.
--
-- Returns the entry's first 16 bytes (version, expiry instant), or all of it, when it held one, live or not, nil when
-- none, -2 while the entry is locked (by a change that runs user code; nothing written). The caller needs no sequence
-- number, and one value replies cheaper than a table.
local read = redis.call('MGET', KEYS[1], KEYS[4], KEYS[2], KEYS[7])
if redis.call('EXISTS', KEYS[5]) == 1 then
  return -2
end
local sub, unpack = string.sub, struct.unpack
local current, epoch, seq = read[1], read[2], tonumber(read[3])
local constants, call, stored = ARGV[1], ARGV[2], ARGV[3]
local live = current and unpack('>i8', current, 9) > unpack('>i8', call, 2)
local head, reclaimAt
if live then
  head = sub(constants, 21, 40)
  local expiry
  if string.byte(call, 50) == 49 then
    expiry = sub(current, 9, 16)
    -- The entry's time to live is the one its expiry instant gives (every write sets both): none for an eternal
    -- entry, which then goes out with the sequence in one MSET (it clears a time to live as SET does), else kept.
    reclaimAt = expiry == '\127\255\255\255\255\255\255\255' and 0 or -1
  else
    expiry = sub(call, 34, 41)
    reclaimAt = unpack('>i8', call, 42)
  end
  if expiry ~= sub(stored, 9, 16) then
    stored = sub(stored, 1, 8) .. expiry .. sub(stored, 17)
  end
else
  head = sub(constants, 1, 20)
  reclaimAt = unpack('>i8', call, 26)
end
local digits = string.byte(constants, 41)
local logLength, origin, key = sub(constants, 42, 41 + digits), sub(constants, 1, 16), sub(call, 72)
-- The log's top is not read: XADD refuses an id at or below the log's last one (and a log that is not a stream),
-- which is exactly the case of a sequence that went backwards (control keys evicted, deleted, damaged), so the
-- record is tried first, as the first write, and that refusal starts a new epoch with an empty log, so that every
-- process drops the near copies it can no longer prove. Any other refusal (out of memory, a read-only replica)
-- fails the script before its first write. s: the change's sequence number, seq, as text.
local s
if epoch and seq and seq >= 0 and seq % 1 == 0 then
  seq = seq + 1
  s = seq .. ''
  local refusal = redis.pcall('XADD', KEYS[3], 'MAXLEN', '~', logLength, s .. '-0', 'o', origin, 'k', key)['err']
  if refusal then
    if not (string.find(refusal, 'WRONGTYPE', 1, true) or string.find(refusal, 'equal or smaller', 1, true)) then
      return redis.error_reply(refusal)
    end
    s = nil
  end
end
if not s then
  redis.call('DEL', KEYS[3])
  epoch = sub(call, 52, 67)
  redis.call('SET', KEYS[4], epoch)
  seq, s = 1, '1'
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', logLength, '1-0', 'o', origin, 'k', key)
end
if reclaimAt == 0 then
  redis.call('MSET', KEYS[2], s, KEYS[1], stored)
else
  redis.call('SET', KEYS[2], s)
  if reclaimAt > 0 then
    redis.call('SET', KEYS[1], stored, 'PXAT', reclaimAt)
  else
    redis.call('SET', KEYS[1], stored, 'KEEPTTL')
  end
end
-- The announcement: head, epoch, the sequence in 20 digits, then what the listeners want of the tail, as
-- redis-write.lua's announcement() trims it (the marker, KEYS[7], stands for an interest set with no live member).
local zeros = '00000000000000000000'
local lean = read[4]
local wanted
if not lean then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  wanted = redis.call('ZRANGEBYSCORE', KEYS[6], string.format('(%d', now), '+inf')
  if #wanted == 0 then
    redis.call('SET', KEYS[7], '1')
    lean = true
  end
end
local announcement
if lean then
  announcement = head .. epoch .. sub(zeros, #s + 1) .. s .. sub(call, 68)
else
  local middle = epoch .. sub(zeros, #s + 1) .. s
  local whole = not live
  for i = 1, #wanted do
    if sub(wanted[i], -2) == ':o' then
      whole = true
    end
  end
  local old = '\255\255\255\255'
  if live and whole then
    old = struct.pack('>i4', #current - 16) .. sub(current, 17)
  end
  announcement = sub(head, 1, 16) .. (whole and '\1' or '\4') .. sub(head, 18) .. middle .. sub(call, 68)
    .. struct.pack('>i4', #stored - 16) .. sub(stored, 17) .. old
end
redis.call('PUBLISH', sub(constants, 42 + digits), announcement)
if current then
  if string.byte(call, 51) == 49 then
    return current
  end
  return sub(current, 1, 16)
end
return false
