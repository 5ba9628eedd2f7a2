-- Pools the answers of every worker into windows (see aimd.go).
-- KEYS[1] hash: state (JSON, written by the window's judge), ver,
--                win_start, w_ok, w_thr (the open window)
-- ARGV: 1 ok, 2 throttled (answers since the caller's last report),
--       3 window_ms, 4 min_sample
-- Returns {state, ver, judge, ok, throttled, start_ms, now_ms}. judge is 1
-- for the one caller that closed the window: it applies Next to state and
-- the closed window's counts, and writes the result with apply.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'state', 'ver', 'win_start', 'w_ok', 'w_thr')
local ok = tonumber(h[4] or 0) + tonumber(ARGV[1])
local thr = tonumber(h[5] or 0) + tonumber(ARGV[2])
local start = tonumber(h[3] or now)
local judge = 0
if now - start >= tonumber(ARGV[3]) and ok + thr >= tonumber(ARGV[4]) then
  judge = 1
  redis.call('HSET', KEYS[1], 'win_start', now, 'w_ok', 0, 'w_thr', 0)
else
  redis.call('HSET', KEYS[1], 'win_start', start, 'w_ok', ok, 'w_thr', thr)
end
redis.call('PEXPIRE', KEYS[1], 3600000)
return {h[1] or '', h[2] or '0', judge, ok, thr, start, now}
