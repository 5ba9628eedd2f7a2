-- Record one chunk of a batch as done, once however often it is delivered.
-- KEYS[1] batch hash, KEYS[2] set of done chunk indexes, KEYS[3] set of
-- chunks in flight
-- ARGV[1] chunk index, ARGV[2..5] rows, verified, not_verified, failed,
-- ARGV[6] retention in seconds
-- Returns {first, all_done}; {-1, 0} when the batch does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, 0}
end
local first = redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
if first == 1 then
  redis.call('HINCRBY', KEYS[1], 'processed_rows', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'verified', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'not_verified', ARGV[4])
  redis.call('HINCRBY', KEYS[1], 'failed', ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
local state = redis.call('HGET', KEYS[1], 'state')
local chunks = tonumber(redis.call('HGET', KEYS[1], 'chunks'))
if redis.call('SCARD', KEYS[2]) >= chunks and state ~= 'completed' then
  redis.call('HSET', KEYS[1], 'state', 'finalizing')
  return {first, 1}
end
return {first, 0}
