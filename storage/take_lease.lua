-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- takeLeaseScript writes a delivery's lease and counts it open. KEYS[1]
-- the chunk's lease, KEYS[2] the batch's crashes hash; ARGV[1] the token,
-- ARGV[2] the lease's TTL (ms), ARGV[3] the chunk, ARGV[4] the hash's TTL
-- (s). Returns the earlier deliveries still open, less one whose lease is
-- live (it is running, not crashed).
local live = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local open = redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('EXPIRE', KEYS[2], ARGV[4])
return math.max(open - 1 - live, 0)
