-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- Cancel a batch: stop releasing its chunks and let the rows in flight be
-- cut. KEYS[1] batch hash, KEYS[2] set of chunks in flight.
-- ARGV[1] now (unix ms), ARGV[2] state cancelling, ARGV[3] state
-- cancelled, ARGV[4] the states that can no longer be cancelled joined by
-- ",", ARGV[5] stop reason "cancelled".
-- Returns {outcome, previous state, chunks in flight}: outcome 1 when this
-- call cancelled it, 0 when it was cancelled already, -1 when there is no
-- such batch, -2 when it is too late to cancel.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return {-1, '', 0}
end
if state == ARGV[2] or state == ARGV[3] then
  return {0, state, redis.call('SCARD', KEYS[2])}
end
if string.find(',' .. ARGV[4] .. ',', ',' .. state .. ',', 1, true) then
  return {-2, state, 0}
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'cancelling_at', ARGV[1], 'stop', ARGV[5])
redis.call('HDEL', KEYS[1], 'failure_reason')
return {1, state, redis.call('SCARD', KEYS[2])}
