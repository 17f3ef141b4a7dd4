import { SHARED_LUA } from './shared.lua';

/**
 * Admits one request against every limit that applies to it and reserves its worst case, or refuses it and
 * changes nothing. One call, atomic: no other request's check runs between this one's check and its reservation.
 *
 * KEYS[1]   the tenant's reservation index (zset: reservation id -> expiry ms)
 * KEYS[2]   this request's reservation record (hash)
 * KEYS[3..] the limit keys; each check names its key by position
 * ARGV[1]   JSON {
 *   now?           ms; absent = the server's clock
 *   id             the reservation id
 *   requestId?     kept on the record for operators
 *   recordPrefix   key of a reservation record without its id (the purge builds expired records' keys from it)
 *   ttlMs          how long the reservation and its leases live unless settled or extended
 *   recordGraceMs  how long an expired record is kept so that a late settle still records the actual usage
 *   purgeBatch     most expired reservations one call releases
 *   checks         [{ type = 'bucket' | 'lease' | 'counter', key = KEYS index, monitor = bool, ... }]
 * }
 * Returns JSON { status = 'admitted' | 'refused', now, expiresAt, checks = [{ fits, ... }] }, integers as strings.
 */
export const ADMIT_LUA = `${SHARED_LUA}
local spec = cjson.decode(ARGV[1])
local now = clock(spec.now)
local indexKey, recordKey = KEYS[1], KEYS[2]

-- (a) Release what dead gateways left behind: each reservation past its expiry gives back its amounts and
-- leases. Its record stays (state 'expired') so that a late settle records the actual usage exactly once.
local expired = redis.call('ZRANGEBYSCORE', indexKey, '-inf', now, 'LIMIT', 0, spec.purgeBatch)
for _, expiredId in ipairs(expired) do
  local expiredKey = spec.recordPrefix .. expiredId
  local record = redis.call('HMGET', expiredKey, 'state', 'charges', 'leases')
  if record[1] == 'held' then
    for _, charge in ipairs(cjson.decode(record[2])) do
      -- A counter of a period long over may be gone: recreating it would leave a key with no TTL.
      if redis.call('EXISTS', charge.key) == 1 then
        redis.call('DECRBY', charge.key, charge.amount)
      end
    end
    for _, leaseKey in ipairs(cjson.decode(record[3])) do
      redis.call('ZREM', leaseKey, expiredId)
    end
    redis.call('HSET', expiredKey, 'state', 'expired')
  end
  redis.call('ZREM', indexKey, expiredId)
end

-- (b) Check every limit against the state before this request. A monitored limit that does not fit is
-- reported but refuses nothing.
local evaluations = {}
local admitted = true
for i, check in ipairs(spec.checks) do
  local key = KEYS[check.key]
  local evaluation = { check = check, key = key }
  if check.type == 'bucket' then
    evaluation.level, evaluation.at = bucketAt(key, check, now)
    local cost = check.cost * SCALE
    evaluation.fits = evaluation.level >= cost
    if not evaluation.fits and cost <= check.capacity * SCALE then
      evaluation.retryMs = math.ceil((cost - evaluation.level) / check.perMinute)
    end
  elseif check.type == 'lease' then
    -- Leases past their expiry belong to requests whose gateway died: their slots are free.
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    evaluation.used = redis.call('ZCARD', key)
    evaluation.fits = evaluation.used < check.max
  else
    evaluation.used = tonumber(redis.call('GET', key) or '0')
    evaluation.fits = evaluation.used + tonumber(check.amount) <= tonumber(check.max)
  end
  if not evaluation.fits and not check.monitor then
    admitted = false
  end
  evaluations[i] = evaluation
end

-- (c) All fit: take from the buckets, lease the slots, charge the counters, and record what was taken so that
-- settle (or the purge) can give it back.
local expiresAt = now + spec.ttlMs
if admitted then
  local charges, leases, buckets = {}, {}, {}
  for _, evaluation in ipairs(evaluations) do
    local check, key = evaluation.check, evaluation.key
    if check.type == 'bucket' then
      -- A monitored bucket that would refuse is left as enforcement would leave it, so that its reports show
      -- exactly the requests enforcement would refuse.
      if evaluation.fits then
        evaluation.level = evaluation.level - check.cost * SCALE
        writeBucket(key, check, evaluation.level, evaluation.at)
        if check.settles then
          table.insert(buckets, { key = key, perMinute = check.perMinute, capacity = check.capacity, tokens = check.cost })
        end
      end
    elseif check.type == 'lease' then
      if evaluation.fits then
        redis.call('ZADD', key, int(expiresAt), spec.id)
        keepAtLeast(key, spec.ttlMs + 1000)
        table.insert(leases, key)
      end
    else
      -- Usage is real even when a monitored quota is over it: counters always count it.
      redis.call('INCRBY', key, check.amount)
      expireAt(key, check.expireAt, now)
      table.insert(charges, { key = key, amount = check.amount, metric = check.metric, expireAt = check.expireAt })
    end
  end
  redis.call('HSET', recordKey,
    'state', 'held',
    'expiresAt', int(expiresAt),
    'requestId', spec.requestId or '',
    'charges', cjson.encode(charges),
    'leases', cjson.encode(leases),
    'buckets', cjson.encode(buckets))
  redis.call('PEXPIRE', recordKey, int(spec.ttlMs + spec.recordGraceMs))
  redis.call('ZADD', indexKey, int(expiresAt), spec.id)
  keepAtLeast(indexKey, spec.ttlMs + spec.recordGraceMs)
end

-- (d) What the headers and refusals need, per check: buckets as they are now (for x-ratelimit-remaining),
-- leases and counters as the check saw them (for the refusal or monitor report).
local results = {}
for i, evaluation in ipairs(evaluations) do
  local check = evaluation.check
  local result = { fits = evaluation.fits }
  if check.type == 'bucket' then
    result.current = int(math.max(0, math.floor(evaluation.level / SCALE)))
    result.resetMs = int(math.max(0, math.ceil((check.capacity * SCALE - evaluation.level) / check.perMinute)))
    if evaluation.retryMs ~= nil then
      result.retryMs = int(evaluation.retryMs)
    end
  else
    result.current = int(evaluation.used)
  end
  results[i] = result
end
return cjson.encode({
  status = admitted and 'admitted' or 'refused',
  now = int(now),
  expiresAt = int(expiresAt),
  checks = results,
})
`;
