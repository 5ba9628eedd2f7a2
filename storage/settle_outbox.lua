-- settleOutboxScript removes a batch's outbox mark once a drainer found its
-- outbox empty: KEYS[1] the marks hash; ARGV[1] the batch id, ARGV[2] the
-- mark the drainer read, ARGV[3] the newest mark time (unix ms) it may
-- remove. A mark written since (another mark), or too recently (its
-- writer's script may not have run when the drainer looked), stays.
-- Returns 1 when the mark was removed.
local mark = redis.call('HGET', KEYS[1], ARGV[1])
if mark ~= ARGV[2] then return 0 end
local at = tonumber(string.match(mark, '^%d+'))
if not at or at > tonumber(ARGV[3]) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
