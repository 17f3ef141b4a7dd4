/**
 * Lua shared by the limits scripts (prepended to each). The token bucket here is `libs/domain`'s
 * `token-bucket.ts`, the same integer arithmetic: keep the two in step.
 */
export const SHARED_LUA = `
-- Bucket levels are in scaled units (unit x 60000, the ms of a minute): refill = elapsed ms x per-minute rate,
-- an integer, so levels and waits stay exact in Lua's doubles.
local SCALE = 60000

-- Integers as strings without floating notation: tostring() and cjson print 14 significant digits only.
local function int(value)
  return string.format('%d', value)
end

-- The time of the call: the caller's clock when it gives one (tests), else the server's, shared by every
-- gateway, so that gateways with skewed clocks still agree on every bucket and lease.
local function clock(given)
  if given ~= nil then
    return given
  end
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- A bucket's level at now: refilled since it was written, never above its capacity. No key = a full bucket.
local function bucketAt(key, bucket, now)
  local full = bucket.capacity * SCALE
  local stored = redis.call('HMGET', key, 'level', 'at')
  local level, at = tonumber(stored[1]), tonumber(stored[2])
  if level == nil or at == nil then
    return full, now
  end
  if now > at then
    return math.min(full, level + (now - at) * bucket.perMinute), now
  end
  return level, at
end

local function writeBucket(key, bucket, level, at)
  redis.call('HSET', key, 'level', int(level), 'at', int(at))
  -- Once full again a bucket is the same as no bucket: the key may go then.
  local untilFull = math.ceil((bucket.capacity * SCALE - level) / bucket.perMinute)
  redis.call('PEXPIRE', key, int(math.max(untilFull, 0) + 1000))
end

-- Expires a key at a time of the caller's clock. Relative (PEXPIRE), not PEXPIREAT: PEXPIREAT reads the server's
-- clock, which need not be the caller's (a test clock, a skewed gateway). A time already past expires it at once.
local function expireAt(key, at, now)
  redis.call('PEXPIRE', key, int(math.max(tonumber(at) - now, 1)))
end

-- Extends a key's TTL to at least ttlMs (never shortens it: other members may live longer).
local function keepAtLeast(key, ttlMs)
  if redis.call('PTTL', key) < ttlMs then
    redis.call('PEXPIRE', key, int(ttlMs))
  end
end
`;
