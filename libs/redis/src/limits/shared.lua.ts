/**
 * Lua shared by the limits scripts (prepended to each). The token bucket here is `libs/domain`'s
 * `token-bucket.ts`, the same integer arithmetic: keep the two in step.
 *
 * Cost shaped these scripts (docs/limits.md, "What a request costs Redis"): each command a script runs, each
 * argument, each number printed to text, each string, table and closure it makes is hundreds to thousands of
 * instructions of Redis's one thread. So a scope's whole state is one key (one GET, one SET); numbers travel and
 * rest as packed doubles (`struct`, which Redis ships with its Lua: no parsing, no printing) unpacked into locals;
 * flags are bits of a number; the hot path calls no function of its own; and answers are flat arrays of integers.
 */
export const SHARED_LUA = `
-- Bucket levels are in scaled units (unit x 60000, the ms of a minute): refill = elapsed ms x per-minute rate,
-- an integer, so levels and waits stay exact in Lua's doubles (and in the packed doubles below, below 2^53).
local SCALE = 60000

-- One scope's state, twelve doubles (limit-state.ts decodes it): the time its key lives until, the RPM and TPM
-- buckets (level, time), the reservations in flight that hold a concurrency lease, the day (yyyymmdd) and its
-- tokens, the month (yyyymm) and its tokens, calls and micro-USD. No key is all zeros: full buckets (level 0 at
-- time 0), nothing in flight, no period.
local STATE = '>dddddddddddd'

-- A reservation's record (limit-state.ts decodes it): its state ('h' held, 'e' expired: released by the purge),
-- the tokens and micro-USD it reserved, its day and month, how many scopes it took from; then per scope: the
-- scope's key, what it took (flags: 1 tokens from the TPM bucket, 2 a concurrency lease, 4 8 16 32 the day's
-- tokens, the month's tokens, calls and micro-USD counters), its TPM bucket's rate and capacity; then the request
-- id, for operators.
local RECORD_HEAD = '>c1ddddd'
local RECORD_SCOPE = '>sddd'
`;

/**
 * Releases or settles what a reservation took, scope by scope: the purge (admit) and settle share it. A function
 * costs a closure per call, so it is only where a script needs it.
 */
export const ADJUST_LUA = `
-- Adjusts what a reservation took, scope by scope from position on in its record: adds amounts (negative ones give
-- back) to the counters of its periods while they are still the scope's current ones (nothing reads a period that
-- is over), releases its concurrency leases when release is set, and changes its TPM buckets by tpmChange (scaled;
-- a debt needs now). Scopes without state are skipped, except for a TPM debt, which a full bucket (no state) pays.
local function adjust(record, position, count, day, month, tokens, calls, micros, release, tpmChange, now)
  for _ = 1, count do
    local key, took, rate, capacity
    key, took, rate, capacity, position = struct.unpack(RECORD_SCOPE, record, position)
    local value = redis.call('GET', key)
    local untilMs, rpm, rpmAt, tpm, tpmAt, inFlight, stateDay, daily, stateMonth, monthTokens, monthCalls, monthMicros =
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    if value then
      untilMs, rpm, rpmAt, tpm, tpmAt, inFlight, stateDay, daily, stateMonth, monthTokens, monthCalls, monthMicros =
        struct.unpack(STATE, value)
    end
    local changed, ttl = false, nil
    if value and took >= 4 then
      if stateDay == day and took % 8 >= 4 then
        daily = daily + tokens
      end
      if stateMonth == month then
        if took % 16 >= 8 then
          monthTokens = monthTokens + tokens
        end
        if took % 32 >= 16 then
          monthCalls = monthCalls + calls
        end
        if took >= 32 then
          monthMicros = monthMicros + micros
        end
      end
      changed = true
    end
    if value and release and took % 4 >= 2 then
      inFlight = math.max(inFlight - 1, 0)
      changed = true
    end
    if tpmChange and tpmChange ~= 0 and took % 2 == 1 and (value or tpmChange < 0) then
      local full = capacity * SCALE
      if tpmChange > 0 then
        -- Given back without refilling to now first: capped at full either way, the level it reads as later is
        -- the same, and no clock is needed.
        tpm = math.min(full, tpm + tpmChange)
      else
        if now > tpmAt then
          tpm, tpmAt = math.min(full, tpm + (now - tpmAt) * rate), now
        end
        tpm = tpm + tpmChange
        local need = now + math.ceil((full - tpm) / rate) + 1000
        if need > untilMs then
          untilMs, ttl = need, need - now
        end
      end
      changed = true
    end
    if changed then
      local state = struct.pack(STATE, untilMs, rpm, rpmAt, tpm, tpmAt, inFlight, stateDay, daily, stateMonth,
        monthTokens, monthCalls, monthMicros)
      if ttl then
        redis.call('SET', key, state, 'PX', string.format('%d', ttl))
      else
        redis.call('SET', key, state, 'KEEPTTL')
      end
    end
  end
end
`;

/**
 * The loop of a batched script: the calls of one tenant that one turn of the event loop asked for, run in order in
 * one script (`ScriptBatches`), as the same number of separate calls would run back to back, so each one sees
 * the ones before it. `run` is the name of a local function of `(KEYS, ARGV)` (the one call's keys and arguments,
 * which shadow the script's own) that returns the call's answer.
 *
 * KEYS      every call's keys, one call after another
 * ARGV[1]   how many calls; then per call: how many keys, how many arguments, its arguments
 * Returns   each call's answer, in order.
 */
export function batchLoop(run: string): string {
  return `
local answers, keyAt, argAt = {}, 0, 1
for call = 1, tonumber(ARGV[1]) do
  local keyCount, argCount = tonumber(ARGV[argAt + 1]), tonumber(ARGV[argAt + 2])
  argAt = argAt + 2
  local keys, args = {}, {}
  for i = 1, keyCount do
    keys[i] = KEYS[keyAt + i]
  end
  for i = 1, argCount do
    args[i] = ARGV[argAt + i]
  end
  keyAt, argAt = keyAt + keyCount, argAt + argCount
  answers[call] = ${run}(keys, args)
end
return answers
`;
}
