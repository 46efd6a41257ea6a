-- Usage-fed counters: adds one batch of one API key's events (usage.recorded, cost.adjusted) to its counters, each
-- event at most once; or, with sign -1, excludes the losing versions of resend conflicts from them, each at most once.
-- See UsageCounters and LimitKeys. Time is the caller's (ARGV[1]); Redis TIME is never read.
--
-- KEYS[1] dedupe         ZSET   event member ("u:<requestId>" / "a:<adjustmentId>") -> occurredAt (epoch ms)
-- KEYS[2] total cost     STRING units of 1e-10 USD
-- KEYS[3] window tokens  HASH   bucket index -> tokens
-- KEYS[4] window cost    HASH   bucket index -> rated cost units
-- KEYS[5 .. 4+P]         daily and weekly cost STRINGs the batch touches (units)
--
-- ARGV: 1 now, 2 dedupe horizon ms, 3 window ms (0: the key has no window, nothing is bucketed), 4 bucket ms,
--       5 P, 6 sign (1: count, -1: exclude), 7 .. 6+P the TTL (ms from now) of KEYS[5 .. 4+P],
--       then 6 per event: member, occurredAt ms, tokens, cost units (signed), day key index, week key index.
--
-- Counting: an event already in the dedupe set (a Kafka redelivery, a relay's resend) adds nothing. An event older
-- than the horizon is not counted either (its membership can no longer be told; the reconciliation from MySQL counts
-- it). A window adds an event only while its bucket is still inside the window.
-- Excluding: "x:" .. member enters the dedupe set, so an exclusion applied twice does nothing the second time; if the
-- member was counted its tokens and cost are taken away as counting added them, else the member enters the set too,
-- so that it is never counted.
-- Returns {applied, duplicates, too old}; when excluding {taken away, excluded before counting, already excluded or
-- too old}.

local now = tonumber(ARGV[1])
local floor_ms = now - tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local bucket = tonumber(ARGV[4])
local p = tonumber(ARGV[5])
local sign = tonumber(ARGV[6])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. floor_ms)
local oldest = 0
if window > 0 then
  oldest = math.floor((now - window) / bucket)
end

local applied, duplicates, too_old = 0, 0, 0
local added = false
local touched = {}
local windowed = false
for i = 7 + p, #ARGV, 6 do
  local at = tonumber(ARGV[i + 1])
  local apply = false
  if at < floor_ms then
    too_old = too_old + 1
  elseif sign > 0 then
    apply = redis.call('ZADD', KEYS[1], 'NX', at, ARGV[i]) == 1
    if not apply then
      duplicates = duplicates + 1
    end
  elseif redis.call('ZADD', KEYS[1], 'NX', at, 'x:' .. ARGV[i]) == 0 then
    too_old = too_old + 1
  else
    added = true
    apply = redis.call('ZADD', KEYS[1], 'NX', at, ARGV[i]) == 0
    if not apply then
      duplicates = duplicates + 1
    end
  end
  if apply then
    added = true
    applied = applied + 1
    local tokens = sign * tonumber(ARGV[i + 2])
    local cost = sign * tonumber(ARGV[i + 3])
    if cost ~= 0 then
      local day = tonumber(ARGV[i + 4])
      local week = tonumber(ARGV[i + 5])
      redis.call('INCRBY', KEYS[2], cost)
      redis.call('INCRBY', KEYS[day], cost)
      redis.call('INCRBY', KEYS[week], cost)
      touched[day] = true
      touched[week] = true
    end
    if window > 0 then
      local idx = math.floor(at / bucket)
      if idx >= oldest then
        if tokens ~= 0 then
          redis.call('HINCRBY', KEYS[3], idx, tokens)
          windowed = true
        end
        if cost ~= 0 then
          redis.call('HINCRBY', KEYS[4], idx, cost)
          windowed = true
        end
      end
    end
  end
end

for k, _ in pairs(touched) do
  redis.call('PEXPIRE', KEYS[k], math.max(1, tonumber(ARGV[k + 2])))
end
if windowed then
  redis.call('PEXPIRE', KEYS[3], window + bucket)
  redis.call('PEXPIRE', KEYS[4], window + bucket)
end
if added then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return {applied, duplicates, too_old}
