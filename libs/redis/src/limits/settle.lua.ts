import { ADJUST_LUA, batchLoop, SHARED_LUA } from './shared.lua';

/**
 * Settles a reservation to what the request really used, in one atomic call: each counter's reserved amount is
 * replaced by the actual one (which may be larger: a stream longer than estimated; the counter then goes over
 * its limit, and that is recorded), the TPM buckets get back the unused tokens (or pay the excess), the
 * concurrency leases are released and the record is deleted. Idempotent: a second settle finds no record and
 * changes nothing. A reservation the purge already released ('e') gets the actual usage added, once.
 *
 * KEYS[1]  the tenant's reservation index
 * KEYS[2]  the reservation record
 * ARGV[1]  the reservation id
 * ARGV[2]  packed doubles: now (-1: the server's clock), actual tokens, calls, micro-USD
 * Returns 'settled' | 'settled_after_expiry' | 'unknown'.
 *
 * These are one settlement's keys and arguments: the script runs a batch of them (`batchLoop`), each in turn.
 */
export const SETTLE_LUA = `${SHARED_LUA}
local function settle(KEYS, ARGV)
local record = redis.call('GET', KEYS[2])
if not record then
  return 'unknown'
end
${ADJUST_LUA}
local given, tokens, calls, micros = struct.unpack('>dddd', ARGV[2])
local state, heldTokens, heldMicros, heldDay, heldMonth, count, position = struct.unpack(RECORD_HEAD, record)
local held = state == 'h'
-- Tokens per minute were taken on the estimate (the purge gives none back): return what was not used, or take
-- the excess (a debt that later requests wait out, which needs the time).
local tpmChange = (heldTokens - tokens) * SCALE
local now = nil
if tpmChange < 0 then
  now = given
  if now < 0 then
    local time = redis.call('TIME')
    now = time[1] * 1000 + math.floor(time[2] / 1000)
  end
end
-- Held: the counters still hold the reserved amounts, replace them. Expired: they were given back, add the actual.
if held then
  tokens, calls, micros = tokens - heldTokens, calls - 1, micros - heldMicros
end
adjust(record, position, count, heldDay, heldMonth, tokens, calls, micros, held, tpmChange, now)

redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[1])
if held then
  return 'settled'
end
return 'settled_after_expiry'
end
${batchLoop('settle')}`;
