-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- progressDueScript decides whether a batch sends a progress event now.
-- KEYS[1] batch hash, KEYS[2] webhook state, KEYS[3] progress spacing key;
-- ARGV[1] interval in ms, ARGV[2] how long the state is kept (s). Returns {0, 0}
-- when no event is due (no callback_url, the receiver is gone, or the
-- last event is less than an interval old), else the event's number and
-- its time (Redis TIME, unix ms): events are at least an interval apart
-- on one clock, whichever workers send them.
if not redis.call('HGET', KEYS[1], 'callback_url') then return {0, 0} end
if redis.call('HEXISTS', KEYS[2], 'gone') == 1 then return {0, 0} end
if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[1]) then return {0, 0} end
local seq = redis.call('HINCRBY', KEYS[2], 'progress', 1)
redis.call('EXPIRE', KEYS[2], ARGV[2])
local t = redis.call('TIME')
return {seq, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)}
