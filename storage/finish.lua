-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- Record that a batch's output is assembled: its final state and the
-- counts read back from the output. KEYS[1] batch hash, KEYS[2] plan,
-- KEYS[3] progress samples, KEYS[4] outbox (a batch with a callback_url
-- gets its final state's event there, in this same script).
-- ARGV[1] final state, ARGV[2] its timestamp field, ARGV[3] now (unix ms),
-- ARGV[4] the ended states joined by ",", ARGV[5..8] rows, verified,
-- not_verified, failed, ARGV[9] how long the state is kept (s), ARGV[10] the number
-- of code pairs, then ARGV[11..] code, count pairs.
-- Returns the previous state; '' when the batch does not exist. A batch
-- already finished is left alone.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return ''
end
if string.find(',' .. ARGV[4] .. ',', ',' .. state .. ',', 1, true) then
  return state
end
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, 5) == 'code:' then
    redis.call('HDEL', KEYS[1], f)
  end
end
redis.call('HSET', KEYS[1], 'state', ARGV[1], ARGV[2], ARGV[3], 'processed_rows', ARGV[5],
  'verified', ARGV[6], 'not_verified', ARGV[7], 'failed', ARGV[8])
local n = tonumber(ARGV[10])
for i = 0, n - 1 do
  redis.call('HSET', KEYS[1], 'code:' .. ARGV[11 + 2 * i], ARGV[12 + 2 * i])
end
local callback = redis.call('HGET', KEYS[1], 'callback_url')
if callback and callback ~= '' then
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
  redis.call('EXPIRE', KEYS[4], ARGV[9])
end
redis.call('DEL', KEYS[2])
redis.call('EXPIRE', KEYS[1], ARGV[9])
redis.call('EXPIRE', KEYS[3], ARGV[9])
return state
