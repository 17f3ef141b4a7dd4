import { SHARED_LUA } from './shared.lua';

/**
 * Pushes back a held reservation's expiry, with its leases' (a heartbeat for a long stream, so that a TTL short
 * enough to clean up quickly after a crash does not cut a live request's reservation).
 *
 * KEYS[1]  the tenant's reservation index
 * KEYS[2]  the reservation record
 * ARGV[1]  the reservation id
 * ARGV[2]  packed doubles: now (-1: the server's clock), ttl ms, record grace ms
 * Returns the new expiry (ms), or 0 when the reservation is no longer held.
 */
export const EXTEND_LUA = `${SHARED_LUA}
local record = redis.call('GET', KEYS[2])
if not record or string.sub(record, 1, 1) ~= 'h' then
  return 0
end
local given, ttlMs, recordGraceMs = struct.unpack('>ddd', ARGV[2])
local now = given
if now < 0 then
  local time = redis.call('TIME')
  now = time[1] * 1000 + math.floor(time[2] / 1000)
end
local expiresAt = now + ttlMs

-- Makes a key live at least ttl more, never shortening its TTL.
local function keepAtLeast(key, ttl)
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, string.format('%d', ttl))
  end
end

redis.call('ZADD', KEYS[1], string.format('%d', expiresAt), ARGV[1])
keepAtLeast(KEYS[1], ttlMs + recordGraceMs)
keepAtLeast(KEYS[2], ttlMs + recordGraceMs)
-- A scope holding one of its leases keeps its state at least as long.
local _, _, _, _, _, count, position = struct.unpack(RECORD_HEAD, record)
for _ = 1, count do
  local key, took
  key, took, _, _, position = struct.unpack(RECORD_SCOPE, record, position)
  if took % 4 >= 2 then
    local untilMs = redis.call('GET', key)
    if untilMs then
      -- The state's first double is how long its key lives (SHARED_LUA, STATE).
      local state = { struct.unpack(STATE, untilMs) }
      if state[1] < expiresAt + 1000 then
        state[1] = expiresAt + 1000
        redis.call('SET', key, struct.pack(STATE, unpack(state, 1, 12)), 'PX', string.format('%d', state[1] - now))
      end
    end
  end
end
return expiresAt
`;
