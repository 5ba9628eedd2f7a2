-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
if redis.call('HGET', KEYS[1], 'state') == ARGV[2] then
  redis.call('HSET', KEYS[1], 'state', ARGV[3], 'started_at', ARGV[1])
  return 1
end
return 0
