-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
