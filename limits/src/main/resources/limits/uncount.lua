-- Usage-fed counters: excludes versions of events that lost to another version under another API key (a resend
-- conflict, CONTRACT §1: the ledger counts only the first accepted version) from this key's counters, each at most
-- once, whether count.lua counted it already or will read it later. See UsageCounters#exclude.
--
-- KEYS and ARGV as count.lua's; each event's member is the losing version's ("u:<requestId>" / "a:<adjustmentId>"),
-- its tokens and cost the losing version's.
--
-- Per event: "x:" .. member enters the dedupe set (an exclusion applied twice does nothing the second time); then,
-- if the member was counted, its tokens and cost are taken away (windows only while its bucket is still inside the
-- window, as count.lua adds them); if not, the member enters the dedupe set too, so that count.lua never counts it.
-- Returns {excluded after counting, excluded before counting, already excluded or too old}.

local now = tonumber(ARGV[1])
local floor_ms = now - tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local bucket = tonumber(ARGV[4])
local p = tonumber(ARGV[5])

local oldest = 0
if window > 0 then
  oldest = math.floor((now - window) / bucket)
end

local taken, marked, skipped = 0, 0, 0
local touched = {}
for i = 6 + p, #ARGV, 6 do
  local member = ARGV[i]
  local at = tonumber(ARGV[i + 1])
  if at < floor_ms or redis.call('ZADD', KEYS[1], 'NX', at, 'x:' .. member) == 0 then
    skipped = skipped + 1
  elseif redis.call('ZADD', KEYS[1], 'NX', at, member) == 1 then
    marked = marked + 1
  else
    taken = taken + 1
    local tokens = tonumber(ARGV[i + 2])
    local cost = tonumber(ARGV[i + 3])
    if cost ~= 0 then
      local day = tonumber(ARGV[i + 4])
      local week = tonumber(ARGV[i + 5])
      redis.call('DECRBY', KEYS[2], cost)
      redis.call('DECRBY', KEYS[day], cost)
      redis.call('DECRBY', KEYS[week], cost)
      touched[day] = true
      touched[week] = true
    end
    if window > 0 then
      local idx = math.floor(at / bucket)
      if idx >= oldest then
        if tokens ~= 0 then
          redis.call('HINCRBY', KEYS[3], idx, -tokens)
        end
        if cost ~= 0 then
          redis.call('HINCRBY', KEYS[4], idx, -cost)
        end
      end
    end
  end
end

for k, _ in pairs(touched) do
  redis.call('PEXPIRE', KEYS[k], math.max(1, tonumber(ARGV[k + 1])))
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return {taken, marked, skipped}
