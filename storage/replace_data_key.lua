-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- replaceDataKeyScript sets a batch's data_key to ARGV[2] if it is still
-- ARGV[1]: KEYS[1] the batch hash. Returns 1 when it did. A batch whose
-- key was deleted meanwhile (expired, erased) is left without one.
if redis.call('HGET', KEYS[1], 'data_key') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data_key', ARGV[2])
return 1
