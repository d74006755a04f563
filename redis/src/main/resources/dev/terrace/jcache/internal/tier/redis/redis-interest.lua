-- Records what this process's listeners want of one shard's announcements (see ListenerInterest.java and the
-- function at the top of redis-write.lua): a member '<process>:v' (values) or '<process>:o' (old values too) of
-- the shard's interest set, scored with the instant (Redis time, milliseconds) its lease runs out, or none.
--
-- KEYS[1]: the shard's interest set; KEYS[2]: its no-interest marker, which redis-write.lua sets when it finds no
-- live member and which must never stand beside one: it is deleted before any member is recorded.
-- ARGV[1]: the process (32 hex digits); ARGV[2]: 'v', 'o', or '' to withdraw; ARGV[3]: the lease (milliseconds).
--
-- Also drops the members of processes whose lease ran out (crashed, or cut off from Redis), and lets Redis drop
-- the whole set a lease after its last renewal: every member's lease ends by then.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
redis.call('ZREM', KEYS[1], ARGV[1] .. ':v', ARGV[1] .. ':o')
if ARGV[2] ~= '' then
  redis.call('DEL', KEYS[2])
  local lease = tonumber(ARGV[3])
  redis.call('ZADD', KEYS[1], string.format('%d', now + lease), ARGV[1] .. ':' .. ARGV[2])
  redis.call('PEXPIRE', KEYS[1], lease)
end
return 1
