-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- Record one chunk of a batch as done, once however often it is delivered.
-- KEYS[1] batch hash, KEYS[2] set of done chunk indexes, KEYS[3] set of
-- chunks in flight, KEYS[4] list of progress samples, KEYS[5] the chunk's
-- saved rows (dropped: its part holds them now)
-- ARGV[1] chunk index, ARGV[2..5] rows, verified, not_verified, failed,
-- ARGV[6] retention in seconds, ARGV[7] now (unix ms),
-- ARGV[8] state finalizing, ARGV[9] the ended states joined by ",",
-- ARGV[10] stop reason "aborted", ARGV[11] the rows processed before
-- max_failure_rate applies (bulkverify.FailureRateFloor), ARGV[12] the
-- number of code pairs, then ARGV[13..] code, count pairs.
-- Returns {first, all_done, moved_to_finalizing, aborted_now};
-- {-1, 0, 0, 0} when the batch does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, 0, 0, 0}
end
local h = redis.call('HMGET', KEYS[1], 'state', 'chunks', 'stop', 'max_failure_rate')
local state, chunks, stop, mfr = h[1], tonumber(h[2]), h[3], tonumber(h[4])
local ended = string.find(',' .. ARGV[9] .. ',', ',' .. state .. ',', 1, true) ~= nil
local first = redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('DEL', KEYS[5])
redis.call('EXPIRE', KEYS[2], ARGV[6])
local aborted = 0
if first == 1 and not ended then
  local processed = redis.call('HINCRBY', KEYS[1], 'processed_rows', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'verified', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'not_verified', ARGV[4])
  local failed = redis.call('HINCRBY', KEYS[1], 'failed', ARGV[5])
  local n = tonumber(ARGV[12])
  for i = 0, n - 1 do
    redis.call('HINCRBY', KEYS[1], 'code:' .. ARGV[13 + 2 * i], ARGV[14 + 2 * i])
  end
  redis.call('RPUSH', KEYS[4], ARGV[7] .. ':' .. processed)
  redis.call('LTRIM', KEYS[4], -120, -1)
  redis.call('EXPIRE', KEYS[4], ARGV[6])
  if (not stop) and mfr and processed >= tonumber(ARGV[11]) and failed / processed > mfr then
    redis.call('HSET', KEYS[1], 'stop', ARGV[10])
    stop = ARGV[10]
    aborted = 1
  end
end
if ended then
  return {first, 0, 0, 0}
end
if stop then
  if redis.call('SCARD', KEYS[3]) == 0 then
    return {first, 1, 0, aborted}
  end
  return {first, 0, 0, aborted}
end
if redis.call('SCARD', KEYS[2]) >= chunks then
  local moved = 0
  if state ~= ARGV[8] then
    redis.call('HSET', KEYS[1], 'state', ARGV[8], 'finalizing_at', ARGV[7])
    moved = 1
  end
  return {first, 1, moved, 0}
end
return {first, 0, 0, 0}
