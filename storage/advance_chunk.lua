-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
if tonumber(redis.call('HGET', KEYS[1], 'released')) == tonumber(ARGV[1]) then
  redis.call('HINCRBY', KEYS[1], 'released', 1)
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0
