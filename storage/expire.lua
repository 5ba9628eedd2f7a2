-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- expireScript marks a finished batch expired and drops everything but its
-- state: KEYS[1] the batch hash, KEYS[2] its outbox (a batch with a
-- callback_url gets its expired event there, in this same script),
-- KEYS[3..] its other keys. ARGV[1] state
-- expired, ARGV[2] now (ms), ARGV[3] the finished states joined by ",",
-- ARGV[4] how long the expired state is kept (s). Returns the previous
-- state, or "" when there is no such batch.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return '' end
if not string.find(',' .. ARGV[3] .. ',', ',' .. state .. ',', 1, true) then return state end
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
local callback = redis.call('HGET', KEYS[1], 'callback_url')
if callback and callback ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
redis.call('HDEL', KEYS[1], 'data_key')
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'expired_at', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return state
