-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- eraseScript deletes every key of a batch that has ended: KEYS[1] the
-- batch hash, KEYS[2..] its other keys. ARGV[1] the ended states joined by
-- ",". Returns the state it had, or "" when there is no such batch; a
-- batch still running is left alone.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return '' end
if not string.find(',' .. ARGV[1] .. ',', ',' .. state .. ',', 1, true) then return state end
for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end
return state
