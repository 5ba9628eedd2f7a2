-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- getScript reads one batch in one call: its hash, its done chunks and,
-- while it runs, the saved rows of its chunks in flight (so that progress
-- moves row by row, not chunk by chunk) and its pace samples. A batch that
-- has ended (ARGV[2..]) skips the last two: they no longer change. The
-- rows keys share the batch's hash tag, so they live in the same cluster
-- slot.
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {} end
local state
for i = 1, #h, 2 do
  if h[i] == 'state' then state = h[i + 1] break end
end
local done = redis.call('SCARD', KEYS[2])
for i = 2, #ARGV do
  if state == ARGV[i] then return {h, done, 0, {}} end
end
local n = 0
for _, c in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  n = n + redis.call('HLEN', ARGV[1] .. c)
end
return {h, done, n, redis.call('LRANGE', KEYS[4], 0, -1)}
