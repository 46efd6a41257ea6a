-- Current counters of one key, read in one consistent step (nothing is written).
-- KEYS as admit.lua; ARGV: 1 now (epoch ms), 2 window ms, 3 bucket ms.
-- Returns decimal strings {window requests, window tokens, window cost units, daily, weekly, total, live leases}.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local bucket = tonumber(ARGV[3])
local oldest = -1
if window > 0 then
  oldest = math.floor((now - window) / bucket)
end
local function window_sum(key)
  if window <= 0 then
    return 0
  end
  local fields = redis.call('HGETALL', key)
  local sum = 0
  for i = 1, #fields, 2 do
    if tonumber(fields[i]) >= oldest then
      sum = sum + tonumber(fields[i + 1])
    end
  end
  return sum
end
local function num(x)
  return string.format('%.0f', x)
end
return {
  num(window_sum(KEYS[1])), num(window_sum(KEYS[2])), num(window_sum(KEYS[3])),
  redis.call('GET', KEYS[4]) or '0', redis.call('GET', KEYS[5]) or '0', redis.call('GET', KEYS[6]) or '0',
  tostring(redis.call('ZCOUNT', KEYS[7], '(' .. ARGV[1], '+inf'))
}
