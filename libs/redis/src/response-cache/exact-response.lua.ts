/**
 * The exact cache's scripts. Every key they name is in the tenant's hash slot (`{t:<tenantId>}`), the evicted
 * entries' too (built from a prefix in ARGV, as the limits' read script builds its reservation keys), so they run
 * unchanged on a cluster.
 *
 * A generation is `<tenant>.<model>.<key>`: the three counters of the tenant's generation hash (absent: 0). An entry
 * starts with the generation it was written under and a newline; it is a hit only while that is still the current
 * one, so one HINCRBY invalidates every entry of a tenant, a model or a key on every gateway at once.
 */

/** The generation of the fields in `gens` (HMGET of tenant, model, key) as Lua builds it. */
const GENERATION_LUA = `
local gens = redis.call('HMGET', KEYS[2], 'tenant', ARGV[1], ARGV[2])
local generation = (gens[1] or '0') .. '.' .. (gens[2] or '0') .. '.' .. (gens[3] or '0')
`;

/**
 * The lookup, read-only: the current generation and the entry in one call.
 *
 * KEYS[1] the entry, KEYS[2] the tenant's generation hash
 * ARGV[1] the model's field (`m:<model>`), ARGV[2] the key's field (`k:<keyId>`, or `k:` for a tenant-wide scope)
 * Returns { generation } on a miss (no entry, or one of an older generation), { generation, entry } on a hit.
 */
export const EXACT_GET_LUA = `${GENERATION_LUA}
local entry = redis.call('GET', KEYS[1])
if not entry then return { generation } end
local newline = string.find(entry, '\\n', 1, true)
if not newline or string.sub(entry, 1, newline - 1) ~= generation then return { generation } end
return { generation, entry }
`;

/**
 * The write: the entry with its TTL, unless an invalidation came since the lookup that missed (the answer may have
 * come from what was invalidated) or the entry alone is larger than the tenant's bound; then the tenant's oldest
 * entries (by write time) are evicted until the total fits the bound. Index members whose entry has expired are
 * dropped on the way: up to 8 of the oldest on every write, and any the eviction meets. The index, the sizes and
 * the total live as long as the longest-lived entry written (they are always written together, so they expire
 * together): a tenant that stops caching leaves nothing behind but its generations.
 *
 * KEYS[1] the entry, KEYS[2] the tenant's generation hash, KEYS[3] the tenant's index (zset: cache key -> write ms),
 * KEYS[4] the sizes of the indexed entries (hash: cache key -> bytes), KEYS[5] their total (string)
 * ARGV[1] model field, ARGV[2] key field, ARGV[3] the generation the lookup saw, ARGV[4] the cache key,
 * ARGV[5] the entry, ARGV[6] TTL in seconds, ARGV[7] the tenant's bound in bytes, ARGV[8] entry key prefix
 * Returns { outcome, evicted, total }: outcome 1 written, 0 invalidated since the lookup, -1 larger than the bound.
 */
export const EXACT_PUT_LUA = `${GENERATION_LUA}
if generation ~= ARGV[3] then return { 0, 0, 0 } end
local size = string.len(ARGV[5])
local bound = tonumber(ARGV[7])
if size > bound then return { -1, 0, 0 } end
local total = tonumber(redis.call('GET', KEYS[5]) or '0')
local function forget(member)
  total = total - tonumber(redis.call('HGET', KEYS[4], member) or '0')
  redis.call('HDEL', KEYS[4], member)
  redis.call('ZREM', KEYS[3], member)
end
forget(ARGV[4])
local oldest = redis.call('ZRANGE', KEYS[3], 0, 7)
for i = 1, #oldest do
  if redis.call('EXISTS', ARGV[8] .. oldest[i]) == 0 then forget(oldest[i]) end
end
local evicted = 0
while total + size > bound do
  local next = redis.call('ZRANGE', KEYS[3], 0, 0)
  if #next == 0 then break end
  evicted = evicted + redis.call('DEL', ARGV[8] .. next[1])
  forget(next[1])
end
local time = redis.call('TIME')
redis.call('SET', KEYS[1], ARGV[5], 'EX', ARGV[6])
redis.call('ZADD', KEYS[3], time[1] * 1000 + math.floor(time[2] / 1000), ARGV[4])
redis.call('HSET', KEYS[4], ARGV[4], size)
total = total + size
redis.call('SET', KEYS[5], total, 'KEEPTTL')
local ttl = tonumber(ARGV[6])
for k = 3, 5 do
  if redis.call('TTL', KEYS[k]) < ttl then redis.call('EXPIRE', KEYS[k], ttl) end
end
return { 1, evicted, total }
`;
