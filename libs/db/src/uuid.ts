const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are uuid columns: Postgres rejects a malformed one with an error, which would surface as a 500. Lookups
 * check first and answer "not found", which is what a client that made up an id should get.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
