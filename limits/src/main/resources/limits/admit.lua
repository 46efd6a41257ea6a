-- Admission: one atomic decision per call (see RedisLimiter and LimitKeys for the key layout).
-- Time is the caller's (ARGV[1], epoch ms): Redis TIME is never read, so tests drive the clock.
--
-- KEYS[1] window requests   HASH  bucket index -> requests
-- KEYS[2] window tokens     HASH  bucket index -> tokens (written by the usage projection)
-- KEYS[3] window cost       HASH  bucket index -> rated cost in units of 1e-10 USD (ditto)
-- KEYS[4] daily cost        STRING units of 1e-10 USD
-- KEYS[5] weekly cost       STRING units of 1e-10 USD
-- KEYS[6] total cost        STRING units of 1e-10 USD (no TTL)
-- KEYS[7] leases            ZSET  lease id -> expiry (epoch ms)
--
-- ARGV: 1 now, 2 window ms, 3 bucket ms, 4 requests limit, 5 tokens limit, 6 cost limit (units),
--       7 concurrency, 8 lease ms, 9 daily limit (units), 10 weekly limit (units), 11 total limit (units),
--       12 shadow (1/0), 13 lease id
-- Every limit: 0 = unlimited. Money arrives as decimal strings of integers; Lua compares them as doubles,
-- exact up to 2^53 units (about 900,719 USD).
--
-- Returns {allowed 1/0, reason or "", retry-after ms, lease expiry ms or 0}. In shadow mode the decision is
-- computed and returned as the reason, but the request is counted and the lease granted as if allowed.

local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local bucket = tonumber(ARGV[3])
local shadow = ARGV[12] == '1'

-- Quotas first: waiting does not help, so no retry-after.
local function over_quota(key, limit)
  limit = tonumber(limit)
  return limit > 0 and tonumber(redis.call('GET', key) or '0') >= limit
end

local reason = ''
local retry = 0
if over_quota(KEYS[4], ARGV[9]) then
  reason = 'daily_cost'
elseif over_quota(KEYS[5], ARGV[10]) then
  reason = 'weekly_cost'
elseif over_quota(KEYS[6], ARGV[11]) then
  reason = 'total_cost'
end

-- A sliding window summed over sub-buckets: bucket i covers [i*bucket, (i+1)*bucket). Every bucket that
-- overlaps (now - window, now] counts in full, the partly covered oldest one included: never less than the
-- true count of any window-long interval ending now. Older buckets are deleted as they are met.
-- Returns the sum and the ms until the sum falls below limit (0 when it is already below).
local oldest = math.floor((now - window) / bucket)
local function window_sum(key, limit)
  local fields = redis.call('HGETALL', key)
  local sum = 0
  local live = {}
  for i = 1, #fields, 2 do
    local idx = tonumber(fields[i])
    local n = tonumber(fields[i + 1])
    if idx < oldest then
      redis.call('HDEL', key, fields[i])
    else
      sum = sum + n
      live[#live + 1] = {idx, n}
    end
  end
  if limit <= 0 or sum < limit then
    return sum, 0
  end
  table.sort(live, function(a, b) return a[1] < b[1] end)
  local left = sum
  for _, b in ipairs(live) do
    left = left - b[2]
    if left < limit then
      -- bucket b[1] stops counting once floor((t - window) / bucket) > b[1], at t = (b[1] + 1) * bucket + window
      return sum, (b[1] + 1) * bucket + window - now
    end
  end
  return sum, window
end

local function deny(r, after)
  if reason == '' then
    reason = r
  end
  if after > retry then
    retry = after
  end
end

local quota_denied = reason ~= ''
local cur_bucket = math.floor(now / bucket)
if not quota_denied then
  local requests_limit = tonumber(ARGV[4])
  if requests_limit > 0 then
    local _, after = window_sum(KEYS[1], requests_limit)
    if after > 0 then deny('requests_per_window', after) end
  end
  local tokens_limit = tonumber(ARGV[5])
  if tokens_limit > 0 then
    local _, after = window_sum(KEYS[2], tokens_limit)
    if after > 0 then deny('tokens_per_window', after) end
  end
  local cost_limit = tonumber(ARGV[6])
  if cost_limit > 0 then
    local _, after = window_sum(KEYS[3], cost_limit)
    if after > 0 then deny('cost_per_window', after) end
  end
end

local concurrency = tonumber(ARGV[7])
local lease_ms = tonumber(ARGV[8])
if concurrency > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', now)
  if not quota_denied and redis.call('ZCARD', KEYS[7]) >= concurrency then
    local first = redis.call('ZRANGE', KEYS[7], 0, 0, 'WITHSCORES')
    deny('concurrency', math.max(1, tonumber(first[2]) - now))
  end
end

if reason ~= '' and not shadow then
  return {0, reason, retry, 0}
end

-- Allowed (or shadow): count the request and grant the lease.
if tonumber(ARGV[4]) > 0 then
  redis.call('HINCRBY', KEYS[1], cur_bucket, 1)
  redis.call('PEXPIRE', KEYS[1], window + bucket)
end
local expires = 0
if concurrency > 0 then
  expires = now + lease_ms
  redis.call('ZADD', KEYS[7], expires, ARGV[13])
  local last = redis.call('ZRANGE', KEYS[7], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[7], tonumber(last[2]) - now + 1000) -- relative: only the caller's clock is used
end
return {1, reason, retry, expires}
