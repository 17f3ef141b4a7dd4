import { SHARED_LUA } from './shared.lua';

/**
 * Pushes back a held reservation's expiry and its leases' (a heartbeat for a long stream, so that a TTL short
 * enough to clean up quickly after a crash does not cut a live request's reservation).
 *
 * KEYS[1]  the tenant's reservation index
 * KEYS[2]  the reservation record
 * ARGV[1]  JSON { now?, id, ttlMs, recordGraceMs }
 * Returns the new expiry (ms, as a string), or '' when the reservation is no longer held.
 */
export const EXTEND_LUA = `${SHARED_LUA}
local spec = cjson.decode(ARGV[1])
local now = clock(spec.now)
local indexKey, recordKey = KEYS[1], KEYS[2]

local record = redis.call('HMGET', recordKey, 'state', 'leases')
if record[1] ~= 'held' then
  return ''
end

local expiresAt = now + spec.ttlMs
redis.call('HSET', recordKey, 'expiresAt', int(expiresAt))
redis.call('PEXPIRE', recordKey, int(spec.ttlMs + spec.recordGraceMs))
redis.call('ZADD', indexKey, int(expiresAt), spec.id)
keepAtLeast(indexKey, spec.ttlMs + spec.recordGraceMs)
for _, leaseKey in ipairs(cjson.decode(record[2])) do
  redis.call('ZADD', leaseKey, int(expiresAt), spec.id)
  keepAtLeast(leaseKey, spec.ttlMs + 1000)
end
return int(expiresAt)
`;
