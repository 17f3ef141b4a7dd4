import { SHARED_LUA } from './shared.lua';

/**
 * Reads the counters of one scope as they stand, in one call, writing nothing (the admin API's usage view).
 *
 * A quota counter holds used + reserved together (admit adds the worst case, settle swaps it for the actual), so
 * the reserved part is summed from the tenant's reservation records: what each `held` record charged to each
 * counter read here, split into live reservations (expiry still ahead) and dead ones (past their expiry; the next
 * admit of the tenant gives their amounts back). Buckets and leases come back raw: the caller applies the refill
 * with `libs/domain`'s token bucket, the arithmetic of `bucketAt` in `shared.lua.ts`.
 *
 * Cost: one HMGET per reservation in the tenant's index, i.e. its requests in flight plus the expired ones the
 * next admit purges; the same records the engine itself keeps, read without decoding any it does not need.
 *
 * KEYS[1]   the tenant's reservation index (zset: reservation id -> expiry ms)
 * KEYS[2..] the keys read; each read names its key by position
 * ARGV[1]   JSON {
 *   now?          ms; absent = the server's clock (the engine's clock, so leases and buckets age alike)
 *   recordPrefix  key of a reservation record without its id
 *   reads         [{ type = 'counter' | 'bucket' | 'lease', key = KEYS index }]
 * }
 * Returns JSON { now, reads = [...] }, per read: counter { value, live, dead }; bucket { level, at }, or { full }
 * when it has no key (a full bucket); lease { held } (leases not yet expired). Integers as strings; the sums are
 * exact while below 2^53 (each amount is, the engine clamps them).
 */
export const READ_LUA = `${SHARED_LUA}
local spec = cjson.decode(ARGV[1])
local now = clock(spec.now)

local held = {}
local counting = false
for _, read in ipairs(spec.reads) do
  if read.type == 'counter' then
    held[KEYS[read.key]] = { live = 0, dead = 0 }
    counting = true
  end
end

if counting then
  local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    local record = redis.call('HMGET', spec.recordPrefix .. entries[i], 'state', 'charges')
    if record[1] == 'held' then
      -- The admit's purge releases what expired at or before now: the same boundary here.
      local live = tonumber(entries[i + 1]) > now
      for _, charge in ipairs(cjson.decode(record[2])) do
        local sums = held[charge.key]
        if sums ~= nil then
          if live then
            sums.live = sums.live + tonumber(charge.amount)
          else
            sums.dead = sums.dead + tonumber(charge.amount)
          end
        end
      end
    end
  end
end

local results = {}
for i, read in ipairs(spec.reads) do
  local key = KEYS[read.key]
  if read.type == 'counter' then
    local sums = held[key]
    results[i] = { value = redis.call('GET', key) or '0', live = int(sums.live), dead = int(sums.dead) }
  elseif read.type == 'bucket' then
    local stored = redis.call('HMGET', key, 'level', 'at')
    if stored[1] and stored[2] then
      results[i] = { level = stored[1], at = stored[2] }
    else
      results[i] = { full = true }
    end
  else
    results[i] = { held = int(redis.call('ZCOUNT', key, '(' .. int(now), '+inf')) }
  end
end
return cjson.encode({ now = int(now), reads = results })
`;
