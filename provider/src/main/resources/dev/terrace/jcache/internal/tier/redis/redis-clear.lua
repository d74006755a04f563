-- Logs and announces that every entry of a cache was removed (the caller deleted them just before).
--
-- KEYS[1]: the cache's sequence; KEYS[2]: its invalidation log; KEYS[3]: its epoch.
-- ARGV[1]: the clearing process (16 bytes); ARGV[2]: how many log records to keep (about); ARGV[3]: an epoch
-- to start when the data set has none; ARGV[4]: the channel; ARGV[5]: the announcement's head; ARGV[6]: its
-- tail.
redis.call('SET', KEYS[3], ARGV[3], 'NX')
local epoch = redis.call('GET', KEYS[3])
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'o', ARGV[1], 'x', '1')
redis.call('PUBLISH', ARGV[4], ARGV[5] .. epoch .. string.format('%020d', seq) .. ARGV[6])
return seq
