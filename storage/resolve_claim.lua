-- Turns the Idempotency-Key claim whose token is ARGV[1] into the record
-- ARGV[2] (id:sha), kept ARGV[3] ms. Returns 1 when the claim held the
-- key, else 0 and the key is left alone.
local v = redis.call('GET', KEYS[1])
local p = ARGV[1] .. ':'
if not v or string.sub(v, 1, #p) ~= p then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
