-- Renews a live lease. KEYS[1] leases ZSET; ARGV: 1 now (epoch ms), 2 lease ms, 3 lease id.
-- Returns the new expiry (epoch ms), or 0 when the lease is unknown or expired (it is removed then).
local now = tonumber(ARGV[1])
local score = redis.call('ZSCORE', KEYS[1], ARGV[3])
if not score or tonumber(score) <= now then
  redis.call('ZREM', KEYS[1], ARGV[3])
  return 0
end
local expires = now + tonumber(ARGV[2])
if expires < tonumber(score) then
  expires = tonumber(score) -- a renewal never shortens a lease
end
redis.call('ZADD', KEYS[1], expires, ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], tonumber(last[2]) - now + 1000) -- relative: only the caller's clock is used
return expires
