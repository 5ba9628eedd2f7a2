-- Hash fields are named literally here; each must be one of storage/keys.go
-- (TestScriptFieldsAreKnown checks it).
-- peekChunkScript: ARGV[1] is the ended states joined by ",". A batch
-- being stopped releases nothing more.
local h = redis.call('HMGET', KEYS[1], 'released', 'chunks', 'window', 'state', 'stop')
if not h[2] then return {-3, ''} end
local released, chunks, window = tonumber(h[1]), tonumber(h[2]), tonumber(h[3])
if h[5] or string.find(',' .. ARGV[1] .. ',', ',' .. h[4] .. ',', 1, true) or released >= chunks then return {-1, ''} end
if released - redis.call('SCARD', KEYS[2]) >= window then return {-2, ''} end
return {released, redis.call('HGET', KEYS[3], released) or ''}
