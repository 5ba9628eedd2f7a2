-- The adapted global rate of one provider (see Limiter in ratelimit.go).
-- KEYS[1] hash: rate, ceiling, win_start, w_ok, w_thr
-- ARGV: configured, ok, throttled (answers since the caller's last report),
--       window_ms, throttle_share, cut_margin, min_sample, fast_step,
--       slow_step, min_share
-- Returns the rate, as a string.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local configured = tonumber(ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'rate', 'ceiling', 'win_start', 'w_ok', 'w_thr')
local rate = math.min(tonumber(h[1] or configured), configured)
local ceiling = tonumber(h[2] or configured)
local win_start = tonumber(h[3] or now)
local ok = tonumber(h[4] or 0) + tonumber(ARGV[2])
local thr = tonumber(h[5] or 0) + tonumber(ARGV[3])
local total = ok + thr
if now - win_start >= tonumber(ARGV[4]) and total >= tonumber(ARGV[7]) then
  local share = thr / total
  if share > tonumber(ARGV[5]) then
    ceiling = rate
    rate = math.max(configured * tonumber(ARGV[10]), rate * (1 - share) * tonumber(ARGV[6]))
  elseif rate < configured then
    local step = tonumber(ARGV[9])
    if rate < 0.95 * ceiling or rate > 1.1 * ceiling then step = tonumber(ARGV[8]) end
    rate = math.min(configured, rate + step * ceiling)
  end
  win_start, ok, thr = now, 0, 0
end
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'ceiling', tostring(ceiling),
  'win_start', win_start, 'w_ok', ok, 'w_thr', thr)
redis.call('PEXPIRE', KEYS[1], 3600000)
return tostring(rate)
