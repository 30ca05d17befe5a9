/**
 * The Lua scripts behind redisState.ts. Each runs atomically on the server and reads the server's TIME, so every
 * instance shares one clock. Keys of one script share a {hash tag}, which keeps them valid under cluster mode.
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

/** KEYS: bucket. ARGV: capacity, perMs. Returns {1, 0} or {0, retryAfterMs}. */
export const TAKE_TOKEN = `${NOW}
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local ok, retry = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
else
  retry = math.ceil((1 - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)
return {ok, retry}
`

const TODAY = `local day = math.floor(now / 86400000)
local b = redis.call('HMGET', KEYS[1], 'day', 'spent')
local spent = 0
if tonumber(b[1]) == day then
  spent = tonumber(b[2]) or 0
else
  redis.call('HSET', KEYS[1], 'day', tostring(day), 'spent', '0')
end
redis.call('PEXPIRE', KEYS[1], 2 * 86400000)
`

/**
 * KEYS: budget hash {day, spent}, holds hash {id: "amount:until"}. ARGV: limit, amount, holdMs, holdId.
 * Returns {1, spent} or {0, spent, resetsAt, now}.
 */
export const RESERVE_BUDGET = `${NOW}${TODAY}
local held = 0
local holds = redis.call('HGETALL', KEYS[2])
for i = 1, #holds, 2 do
  local amount, untilMs = string.match(holds[i + 1], '^(%d+):(%d+)$')
  if amount == nil or tonumber(untilMs) <= now then
    redis.call('HDEL', KEYS[2], holds[i])
  else
    held = held + tonumber(amount)
  end
end
if spent + held >= tonumber(ARGV[1]) then
  return {0, spent, (day + 1) * 86400000, now}
end
redis.call('HSET', KEYS[2], ARGV[4], ARGV[2] .. ':' .. tostring(now + tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]) + 1000)
return {1, spent}
`

/** KEYS: budget hash, holds hash. ARGV: holdId, used. */
export const SETTLE_BUDGET = `${NOW}${TODAY}
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'spent', tostring(spent + tonumber(ARGV[2])))
return 1
`

/** KEYS: budget hash. Returns today's spend. */
export const BUDGET_SPENT = `${NOW}
local b = redis.call('HMGET', KEYS[1], 'day', 'spent')
if tonumber(b[1]) == math.floor(now / 86400000) then return tonumber(b[2]) or 0 end
return 0
`

/** KEYS: lease, fence counter. ARGV: holder, ttlMs. Returns {1, fence} or {0, pttl}. */
export const ACQUIRE_LEASE = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('PTTL', KEYS[1])}
end
local fence = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 7 * 86400000)
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
return {1, fence}
`

/** KEYS: lease. ARGV: "holder:fence", ttlMs. Returns 1 (still held, extended) or 0. */
export const CHECK_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`

/**
 * KEYS: lease. ARGV: "holder:fence", or "holder:" for a grant whose reply never arrived (the holder id is unique per
 * grant, so its prefix is enough). Compare-and-delete.
 */
export const RELEASE_LEASE = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`

/**
 * KEYS: booked slots (a list of epoch ms, newest first). ARGV: intervalMs, maxWaitMs, burst (whole numbers).
 * At most `burst` slots in any `burst × intervalMs` window. Returns {1, waitMs} or {0, waitMs}.
 */
export const SCHEDULE = `${NOW}
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[3])
local slot = math.max(now, tonumber(redis.call('LINDEX', KEYS[1], 0)) or now)
if redis.call('LLEN', KEYS[1]) >= burst then
  slot = math.max(slot, tonumber(redis.call('LINDEX', KEYS[1], burst - 1)) + interval * burst)
end
local wait = slot - now
if wait > tonumber(ARGV[2]) then
  return {0, wait}
end
redis.call('LPUSH', KEYS[1], tostring(slot))
redis.call('LTRIM', KEYS[1], 0, burst - 1)
redis.call('PEXPIRE', KEYS[1], tostring(wait + interval * burst + 1000))
return {1, wait}
`
