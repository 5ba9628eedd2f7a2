-- Claims an Idempotency-Key (KEYS[1]). A held claim's value is ARGV[1]
-- (the pending prefix) .. nonce .. ':' .. deadline (ms, Redis's clock),
-- then ':' .. id .. ':' .. sha once it is bound to the batch it makes; a
-- record is id .. ':' .. sha. Past its deadline a claim's holder is gone.
-- Returns {0} while a live claim holds the key; {1, id:sha, token} for a
-- record, or for the batch a gone holder was making; {2, token} when the
-- caller now holds the key, for ARGV[3] ms.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('GET', KEYS[1])
if v then
  if string.sub(v, 1, #ARGV[1]) ~= ARGV[1] then return {1, v, v} end
  local deadline, bound = string.match(string.sub(v, #ARGV[1] + 1), '^[^:]+:(%d+):?(.*)$')
  if deadline and tonumber(deadline) > now then return {0} end
  if bound and bound ~= '' then return {1, bound, v} end
end
local token = ARGV[1] .. ARGV[2]
redis.call('SET', KEYS[1], token .. ':' .. (now + tonumber(ARGV[3])), 'PX', ARGV[3])
return {2, token}
