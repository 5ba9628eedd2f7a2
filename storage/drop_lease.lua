-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- dropLeaseScript ends a lease: KEYS[1] the chunk's lease, KEYS[2] the
-- batch's crashes hash; ARGV[1] the token, ARGV[2] the chunk, ARGV[3] "1"
-- when the delivery ended of its own accord.
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[3] == '1' and redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
return 0
