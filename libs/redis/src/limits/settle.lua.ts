import { SHARED_LUA } from './shared.lua';

/**
 * Settles a reservation to what the request really used, in one atomic call: each counter's reserved amount is
 * replaced by the actual one (which may be larger: a stream longer than estimated; the counter then goes over
 * its limit, and that is recorded), the TPM buckets get back the unused tokens (or pay the excess), the
 * concurrency leases are released and the record is deleted. Idempotent: a second settle finds no record and
 * changes nothing. A reservation the purge already released ('expired') gets the actual usage added, once.
 *
 * KEYS[1]  the tenant's reservation index
 * KEYS[2]  the reservation record
 * ARGV[1]  JSON { now?, id, usage = { tokens, calls, micros } } (amounts as decimal strings)
 * Returns 'settled' | 'settled_after_expiry' | 'unknown'.
 */
export const SETTLE_LUA = `${SHARED_LUA}
local spec = cjson.decode(ARGV[1])
local now = clock(spec.now)
local indexKey, recordKey = KEYS[1], KEYS[2]

local record = redis.call('HMGET', recordKey, 'state', 'charges', 'leases', 'buckets')
local state = record[1]
if state ~= 'held' and state ~= 'expired' then
  return 'unknown'
end

for _, charge in ipairs(cjson.decode(record[2])) do
  local actual = tonumber(spec.usage[charge.metric])
  -- Held: the counter still holds the reserved amount, replace it. Expired: it was given back, add the actual.
  local delta = actual
  if state == 'held' then
    delta = actual - tonumber(charge.amount)
  end
  -- A counter of a period long over may be gone: taking from it would recreate it with no TTL.
  if delta > 0 or (delta < 0 and redis.call('EXISTS', charge.key) == 1) then
    redis.call('INCRBY', charge.key, int(delta))
    expireAt(charge.key, charge.expireAt, now)
  end
end

if state == 'held' then
  for _, leaseKey in ipairs(cjson.decode(record[3])) do
    redis.call('ZREM', leaseKey, spec.id)
  end
end

-- Tokens per minute were taken on the estimate: give back what was not used, or take the excess (a debt that
-- later requests wait out).
local actualTokens = tonumber(spec.usage.tokens)
for _, bucket in ipairs(cjson.decode(record[4])) do
  local level, at = bucketAt(bucket.key, bucket, now)
  level = math.min(bucket.capacity * SCALE, level + (bucket.tokens - actualTokens) * SCALE)
  writeBucket(bucket.key, bucket, level, at)
end

redis.call('DEL', recordKey)
redis.call('ZREM', indexKey, spec.id)
if state == 'held' then
  return 'settled'
end
return 'settled_after_expiry'
`;
