-- The adapted global rate of one provider (see Limiter in ratelimit.go).
-- KEYS[1] hash: rate, ceiling, win_start, w_ok, w_thr, cut_at
-- ARGV: 1 configured, 2 ok, 3 throttled (answers since the caller's last
--       report), 4 window_ms, 5 hold_ms, 6 throttle_share, 7 probe_share,
--       8 cut_margin, 9 min_sample, 10 fast_step, 11 slow_step, 12 min_share
-- Returns the rate, as a string.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local configured = tonumber(ARGV[1])
local floor = configured * tonumber(ARGV[12])
local h = redis.call('HMGET', KEYS[1], 'rate', 'ceiling', 'win_start', 'w_ok', 'w_thr', 'cut_at')
local rate = math.min(tonumber(h[1] or configured), configured)
local ceiling = tonumber(h[2] or configured)
local win_start = tonumber(h[3] or now)
local ok = tonumber(h[4] or 0) + tonumber(ARGV[2])
local thr = tonumber(h[5] or 0) + tonumber(ARGV[3])
local cut_at = tonumber(h[6] or 0)
local total = ok + thr
if now - win_start >= tonumber(ARGV[4]) and total >= tonumber(ARGV[9]) then
  local share = thr / total
  -- Above the upstream's last known limit, the first 429s are the answer.
  local limit = tonumber(ARGV[6])
  if rate > ceiling then limit = tonumber(ARGV[7]) end
  if share > limit then
    -- Cut once, then let a window pass: the next window's 429s still
    -- answer the rate before the cut.
    if now - cut_at >= tonumber(ARGV[5]) then
      ceiling = math.max(floor, rate * (1 - share))
      rate = math.max(floor, ceiling * tonumber(ARGV[8]))
      cut_at = now
    end
  elseif rate < configured then
    local step = tonumber(ARGV[10]) * configured
    if rate >= 0.95 * ceiling and rate <= 1.2 * ceiling then
      -- Near the last limit: probe gently.
      step = math.max(tonumber(ARGV[11]) * ceiling, 0.001 * configured)
    end
    rate = math.min(configured, rate + step)
  end
  win_start, ok, thr = now, 0, 0
end
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'ceiling', tostring(ceiling),
  'win_start', win_start, 'w_ok', ok, 'w_thr', thr, 'cut_at', cut_at)
redis.call('PEXPIRE', KEYS[1], 3600000)
return tostring(rate)
