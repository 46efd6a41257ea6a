-- Rebuild / reconciliation of one API key's usage-fed counters from MySQL: replaces them (never adds).
-- The dedupe set is kept: what it holds was counted, and is in MySQL's figures too.
--
-- KEYS[1] total cost STRING, KEYS[2] daily cost STRING (today), KEYS[3] weekly cost STRING (this week),
-- KEYS[4] window tokens HASH, KEYS[5] window cost HASH
-- ARGV: 1 total units, 2 daily units, 3 weekly units, 4 daily TTL ms, 5 weekly TTL ms, 6 window TTL ms (0: no window),
--       then pairs: bucket index, "tokens:cost" units
-- Returns the previous {total, daily, weekly} (decimal strings) so the caller can report drift.
local before = {redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '0', redis.call('GET', KEYS[3]) or '0'}
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', math.max(1, tonumber(ARGV[4])))
redis.call('SET', KEYS[3], ARGV[3], 'PX', math.max(1, tonumber(ARGV[5])))
redis.call('DEL', KEYS[4], KEYS[5])
local ttl = tonumber(ARGV[6])
if ttl > 0 then
  for i = 7, #ARGV, 2 do
    local sep = string.find(ARGV[i + 1], ':', 1, true)
    local tokens = string.sub(ARGV[i + 1], 1, sep - 1)
    local cost = string.sub(ARGV[i + 1], sep + 1)
    if tokens ~= '0' then redis.call('HSET', KEYS[4], ARGV[i], tokens) end
    if cost ~= '0' then redis.call('HSET', KEYS[5], ARGV[i], cost) end
  end
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('PEXPIRE', KEYS[5], ttl)
end
return before
