/**
 * Reads one scope's state and the reservations that hold it, in one call, writing nothing (the admin API's usage
 * view, `LimitsReader`; `limits-usage.ts` works the view out from what it answers).
 *
 * Cost: one GET per reservation in the tenant's index, i.e. its requests in flight plus the expired ones the next
 * admit purges; only those naming the scope are answered.
 *
 * KEYS[1]   the tenant's reservation index (zset: reservation id -> expiry ms)
 * KEYS[2]   the scope's state
 * KEYS[3..] where the layout before one key per scope kept its counters of the current periods, read only when
 *           the scope has no state yet
 * ARGV[1]   key of a reservation record without its id
 * ARGV[2]   packed double: now (-1: the server's clock, as the engine's scripts use)
 * Returns { now, the state or nil, each older counter or nil, then per held reservation naming the scope: its
 * expiry, its record }.
 */
export const READ_LUA = `
local now = struct.unpack('>d', ARGV[2])
if now < 0 then
  local time = redis.call('TIME')
  now = time[1] * 1000 + math.floor(time[2] / 1000)
end
local state = redis.call('GET', KEYS[2])
local reply = { now, state }
for k = 3, #KEYS do
  reply[k] = not state and redis.call('GET', KEYS[k])
end
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #entries, 2 do
  local record = redis.call('GET', ARGV[1] .. entries[i])
  if record and string.sub(record, 1, 1) == 'h' and string.find(record, KEYS[2], 1, true) then
    reply[#reply + 1] = entries[i + 1]
    reply[#reply + 1] = record
  end
end
return reply
`;
