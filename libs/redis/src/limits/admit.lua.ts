import { ADJUST_LUA, batchLoop, SHARED_LUA } from './shared.lua';

/**
 * Admits one request against every limit that applies to it and reserves its worst case, or refuses it and
 * changes nothing. One call, atomic: no other request's check runs between this one's check and its reservation.
 *
 * KEYS[1]   the tenant's reservation index (zset: reservation id -> expiry ms)
 * KEYS[2]   this request's reservation record
 * KEYS[3..] the state of each scope, in order
 * ARGV[1]   the reservation id
 * ARGV[2]   the request id (kept on the record for operators)
 * ARGV[3]   the purge batch: most expired reservations one call releases
 * ARGV[4]   how long the record lives (ms): the reservation's ttl plus the grace during which a late settle of an
 *           expired reservation still counts
 * ARGV[5]   packed doubles: now (-1: the server's clock), ttl ms, reserved tokens, reserved micro-USD, day
 *           (yyyymmdd), month (yyyymm), the month's end (ms)
 * ARGV[6..] per scope, packed doubles: rpm, its capacity, tpm, its capacity, concurrency, dailyTokens,
 *           monthlyTokens, monthlyCalls, monthlyBudgetUsd (micro-USD), 0 for no such limit; then the monitored
 *           ones' flags (1 rpm, 2 tpm, 4 concurrency, 8 16 32 64 the quotas in that order)
 * Checks run per scope in that order, skipping absent limits.
 * Returns { admitted (1 or 0), expiresAt, then per bucket in check order: units available, ms until full; then
 * per check that does not fit: its index in check order (from 0), what it saw (units available, leases held, or
 * used + reserved), ms until it would fit (buckets that can fit) or -1 }.
 *
 * These are one request's keys and arguments: the script runs a batch of them (`batchLoop`), each in turn.
 */
export const ADMIT_LUA = `${SHARED_LUA}
local function admit(KEYS, ARGV)
local id = ARGV[1]
local given, ttlMs, tokens, micros, day, month, monthEnd = struct.unpack('>ddddddd', ARGV[5])
local now = given
if now < 0 then
  local time = redis.call('TIME')
  now = time[1] * 1000 + math.floor(time[2] / 1000)
end
local expiresAt = now + ttlMs
local indexKey, recordKey = KEYS[1], KEYS[2]

-- (a) Release what dead gateways left behind: each reservation past its expiry gives back its amounts and
-- leases. Its record stays (state 'e') so that a late settle records the actual usage exactly once.
local expired = redis.call('ZRANGEBYSCORE', indexKey, '-inf', string.format('%d', now), 'LIMIT', 0, ARGV[3])
if #expired > 0 then
  ${ADJUST_LUA}
  local recordPrefix = string.sub(recordKey, 1, #recordKey - #id)
  for _, expiredId in ipairs(expired) do
    local expiredKey = recordPrefix .. expiredId
    local record = redis.call('GET', expiredKey)
    if record and string.sub(record, 1, 1) == 'h' then
      local _, heldTokens, heldMicros, heldDay, heldMonth, count, position = struct.unpack(RECORD_HEAD, record)
      adjust(record, position, count, heldDay, heldMonth, -heldTokens, -1, -heldMicros, true)
      redis.call('SET', expiredKey, 'e' .. string.sub(record, 2), 'KEEPTTL')
    end
    redis.call('ZREM', indexKey, expiredId)
  end
end

-- (b) Check every limit against the state before this request, and work out each scope's state should it be
-- admitted. A monitored limit that does not fit is reported but refuses nothing; a monitored bucket or lease
-- that does not fit is not taken either (its reports then show exactly the requests enforcement would refuse),
-- while every counter counts the request, monitored or not: usage is real.
local admitted = true
local reply, untaken, breaches, states, ttls = { 0, expiresAt }, {}, {}, {}, {}
local taken, count, check = '', 0, 0
for k = 3, #KEYS do
  local key = KEYS[k]
  local rpm, rpmCapacity, tpm, tpmCapacity, concurrency, dailyMax, tokensMax, callsMax, microsMax, monitored =
    struct.unpack('>dddddddddd', ARGV[k + 3])
  local value = redis.call('GET', key)
  local untilMs, rpmLevel, rpmAt, tpmLevel, tpmAt, inFlight, stateDay, daily, stateMonth, monthTokens, monthCalls,
    monthMicros = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  if value then
    untilMs, rpmLevel, rpmAt, tpmLevel, tpmAt, inFlight, stateDay, daily, stateMonth, monthTokens, monthCalls,
      monthMicros = struct.unpack(STATE, value)
  elseif dailyMax + tokensMax + callsMax + microsMax > 0 then
    -- Counters written before this layout (one string key per limit and period), taken over when a scope with
    -- quotas has no state yet, so that an upgrade restarts no quota or budget (docs/operations.md, "Upgrading").
    -- The old keys are left to expire on their own.
    local base, scope = string.match(key, '^(.*):scope:(.+)$')
    local function legacy(limit, period)
      return (redis.call('GET', base .. ':quota:' .. scope .. ':' .. limit .. ':' .. period) or 0) + 0
    end
    local dayId = string.format('%04d-%02d-%02d', math.floor(day / 10000), math.floor(day / 100) % 100, day % 100)
    local monthId = string.sub(dayId, 1, 7)
    stateDay, stateMonth = day, month
    daily = dailyMax > 0 and legacy('dailyTokens', dayId) or 0
    monthTokens = tokensMax > 0 and legacy('monthlyTokens', monthId) or 0
    monthCalls = callsMax > 0 and legacy('monthlyCalls', monthId) or 0
    monthMicros = microsMax > 0 and legacy('monthlyBudgetUsd', monthId) or 0
  end
  if stateDay ~= day then
    stateDay, daily = day, 0
  end
  if stateMonth ~= month then
    stateMonth, monthTokens, monthCalls, monthMicros = month, 0, 0, 0
  end
  local took, need = 0, 0

  -- Token buckets: RPM takes one unit a request, TPM the reserved tokens.
  if rpm > 0 then
    local full = rpmCapacity * SCALE
    if now > rpmAt then
      rpmLevel, rpmAt = math.min(full, rpmLevel + (now - rpmAt) * rpm), now
    end
    untaken[#untaken + 1] = math.floor(rpmLevel / SCALE)
    untaken[#untaken + 1] = math.ceil((full - rpmLevel) / rpm)
    if rpmLevel >= SCALE then
      rpmLevel = rpmLevel - SCALE
    else
      breaches[#breaches + 1] = check
      breaches[#breaches + 1] = math.max(0, math.floor(rpmLevel / SCALE))
      breaches[#breaches + 1] = SCALE <= full and math.ceil((SCALE - rpmLevel) / rpm) or -1
      admitted = admitted and monitored % 2 == 1
    end
    reply[#reply + 1] = math.max(0, math.floor(rpmLevel / SCALE))
    reply[#reply + 1] = math.max(0, math.ceil((full - rpmLevel) / rpm))
    need = math.ceil((full - rpmLevel) / rpm)
    check = check + 1
  end
  if tpm > 0 then
    local full, cost = tpmCapacity * SCALE, tokens * SCALE
    if now > tpmAt then
      tpmLevel, tpmAt = math.min(full, tpmLevel + (now - tpmAt) * tpm), now
    end
    untaken[#untaken + 1] = math.max(0, math.floor(tpmLevel / SCALE))
    untaken[#untaken + 1] = math.max(0, math.ceil((full - tpmLevel) / tpm))
    if tpmLevel >= cost then
      tpmLevel = tpmLevel - cost
      took = 1
    else
      breaches[#breaches + 1] = check
      breaches[#breaches + 1] = math.max(0, math.floor(tpmLevel / SCALE))
      breaches[#breaches + 1] = cost <= full and math.ceil((cost - tpmLevel) / tpm) or -1
      admitted = admitted and monitored % 4 >= 2
    end
    reply[#reply + 1] = math.max(0, math.floor(tpmLevel / SCALE))
    reply[#reply + 1] = math.max(0, math.ceil((full - tpmLevel) / tpm))
    need = math.max(need, math.ceil((full - tpmLevel) / tpm))
    check = check + 1
  end
  -- Concurrency: the reservations in flight that hold a lease.
  if concurrency > 0 then
    if inFlight < concurrency then
      inFlight = inFlight + 1
      took = took + 2
    else
      breaches[#breaches + 1] = check
      breaches[#breaches + 1] = inFlight
      breaches[#breaches + 1] = -1
      admitted = admitted and monitored % 8 >= 4
    end
    check = check + 1
  end
  -- Period counters (used + reserved) against the request's worst case.
  if dailyMax > 0 then
    if daily + tokens > dailyMax then
      breaches[#breaches + 1] = check
      breaches[#breaches + 1] = daily
      breaches[#breaches + 1] = -1
      admitted = admitted and monitored % 16 >= 8
    end
    daily = daily + tokens
    took = took + 4
    check = check + 1
  end
  if tokensMax > 0 then
    if monthTokens + tokens > tokensMax then
      breaches[#breaches + 1] = check
      breaches[#breaches + 1] = monthTokens
      breaches[#breaches + 1] = -1
      admitted = admitted and monitored % 32 >= 16
    end
    monthTokens = monthTokens + tokens
    took = took + 8
    check = check + 1
  end
  if callsMax > 0 then
    if monthCalls + 1 > callsMax then
      breaches[#breaches + 1] = check
      breaches[#breaches + 1] = monthCalls
      breaches[#breaches + 1] = -1
      admitted = admitted and monitored % 64 >= 32
    end
    monthCalls = monthCalls + 1
    took = took + 16
    check = check + 1
  end
  if microsMax > 0 then
    if monthMicros + micros > microsMax then
      breaches[#breaches + 1] = check
      breaches[#breaches + 1] = monthMicros
      breaches[#breaches + 1] = -1
      admitted = admitted and monitored >= 64
    end
    monthMicros = monthMicros + micros
    took = took + 32
    check = check + 1
  end

  -- The key lives while it holds anything: until its buckets are full again, its leases have expired and its
  -- periods are over. Past that time it is the same as no key. A quarter more than needed, so that the next
  -- requests can keep its TTL (KEEPTTL) rather than print a new one.
  need = need + now + 1000
  if inFlight > 0 then
    need = math.max(need, expiresAt + 1000)
  end
  if took >= 4 then
    need = math.max(need, monthEnd)
  end
  if need > untilMs then
    untilMs = now + math.ceil((need - now) * 1.25)
    ttls[#states + 1] = string.format('%d', untilMs - now)
  else
    ttls[#states + 1] = false
  end
  states[#states + 1] = struct.pack(STATE, untilMs, rpmLevel, rpmAt, tpmLevel, tpmAt, inFlight, stateDay, daily,
    stateMonth, monthTokens, monthCalls, monthMicros)
  if took > 0 then
    taken = taken .. struct.pack(RECORD_SCOPE, key, took, tpm, tpmCapacity)
    count = count + 1
  end
end

-- (c) All fit: take from the buckets, lease the slots, charge the counters, and record what was taken so that
-- settle (or the purge) can give it back. Otherwise nothing changes, and the buckets are reported as they are.
if admitted then
  for i, state in ipairs(states) do
    if ttls[i] then
      redis.call('SET', KEYS[i + 2], state, 'PX', ttls[i])
    else
      redis.call('SET', KEYS[i + 2], state, 'KEEPTTL')
    end
  end
  local record = struct.pack(RECORD_HEAD, 'h', tokens, micros, day, month, count) .. taken .. ARGV[2]
  redis.call('SET', recordKey, record, 'PX', ARGV[4])
  redis.call('ZADD', indexKey, string.format('%d', expiresAt), id)
  -- The index lives at least as long as its longest record (a quarter more: most calls then only read its TTL).
  local recordTtl = ARGV[4] + 0
  if redis.call('PTTL', indexKey) < recordTtl then
    redis.call('PEXPIRE', indexKey, string.format('%d', math.ceil(recordTtl * 1.25)))
  end
  reply[1] = 1
else
  for i, value in ipairs(untaken) do
    reply[i + 2] = value
  end
end
for _, value in ipairs(breaches) do
  reply[#reply + 1] = value
end
return reply
end
${batchLoop('admit')}`;
