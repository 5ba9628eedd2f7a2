-- Renews the lease of the Idempotency-Key claim whose token is ARGV[1]
-- to ARGV[2] ms from now and, when ARGV[3] (id:sha) is not empty, binds
-- the batch it makes to it. A bound claim is kept ARGV[4] ms, so that a
-- retry after its holder is gone still finds the batch. Returns 1 when
-- the claim holds the key, else 0. (Value layout: claim_key.lua.)
local v = redis.call('GET', KEYS[1])
local p = ARGV[1] .. ':'
if not v or string.sub(v, 1, #p) ~= p then return 0 end
local bound = ARGV[3]
if bound == '' then bound = string.match(string.sub(v, #p + 1), '^%d+:?(.*)$') or '' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local value, ttl = p .. (now + tonumber(ARGV[2])), ARGV[2]
if bound ~= '' then value, ttl = value .. ':' .. bound, ARGV[4] end
redis.call('SET', KEYS[1], value, 'PX', ttl)
return 1
