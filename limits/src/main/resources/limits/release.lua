-- Releases a lease (idempotent) and purges expired ones. KEYS[1] leases ZSET; ARGV: 1 now (epoch ms), 2 lease id.
-- Returns 1 when the lease was live, else 0.
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]))
return removed
