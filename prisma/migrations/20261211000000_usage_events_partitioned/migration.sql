-- usage_events becomes a table partitioned by UTC day (`PARTITION BY RANGE (created_at)`), so that retention
-- drops whole days instead of deleting rows. Every existing row is kept: a new partitioned table is built beside
-- the old one, the rows are copied into it, and the names are swapped, all in this migration's one transaction.
--
-- Partition keys must be part of every unique constraint: the primary key becomes (id, created_at), and the
-- dedupe key (request_id, created_at), which is as strict as request_id alone because created_at is the event's
-- own time, the same on every delivery of a request.
--
-- `ingest_xid` is the id of the transaction that inserted the row: rows whose ingest_xid is below
-- pg_snapshot_xmin(pg_current_snapshot()) are committed and final, so a reader can stream them in commit order.

CREATE TABLE "usage_events_partitioned" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "request_id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "api_key_id" UUID,
    "subscription_id" UUID,
    "product_id" UUID,
    "model" TEXT,
    "provider_id" UUID,
    "upstream_model" TEXT,
    "endpoint" TEXT,
    "status_code" INTEGER NOT NULL,
    "error_code" TEXT,
    "latency_ms" INTEGER NOT NULL,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cached_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
    "cache_hit" BOOLEAN NOT NULL DEFAULT false,
    "streamed" BOOLEAN NOT NULL DEFAULT false,
    "policy_actions" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usage_source" TEXT,
    "time_to_first_byte_ms" INTEGER,
    "ingest_xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)
) PARTITION BY RANGE ("created_at");

-- Rows outside every daily partition (very late or future-skewed events) land here; the worker moves them into a
-- day's partition when it creates it, and retention deletes the old ones.
CREATE TABLE "usage_events_default" PARTITION OF "usage_events_partitioned" DEFAULT;

-- One partition per UTC day from the oldest row's day (at most a year back: older rows stay in the default
-- partition until retention deletes them) through seven days ahead; the worker keeps creating them after that.
DO $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  first_day date := LEAST(today, GREATEST(today - 366,
    COALESCE((SELECT min("created_at" AT TIME ZONE 'UTC')::date FROM "usage_events"), today)));
  day date;
BEGIN
  FOR day IN SELECT generate_series(first_day, today + 7, interval '1 day')::date LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF "usage_events_partitioned" FOR VALUES FROM (%L) TO (%L)',
      'usage_events_p' || to_char(day, 'YYYYMMDD'),
      day::text || ' 00:00:00+00',
      (day + 1)::text || ' 00:00:00+00'
    );
  END LOOP;
END $$;

INSERT INTO "usage_events_partitioned" ("id", "request_id", "tenant_id", "api_key_id", "subscription_id",
    "product_id", "model", "provider_id", "upstream_model", "endpoint", "status_code", "error_code", "latency_ms",
    "input_tokens", "output_tokens", "cached_tokens", "cost_usd", "cache_hit", "streamed", "policy_actions",
    "created_at", "usage_source", "time_to_first_byte_ms")
SELECT "id", "request_id", "tenant_id", "api_key_id", "subscription_id", "product_id", "model", "provider_id",
    "upstream_model", "endpoint", "status_code", "error_code", "latency_ms", "input_tokens", "output_tokens",
    "cached_tokens", "cost_usd", "cache_hit", "streamed", "policy_actions", "created_at", "usage_source",
    "time_to_first_byte_ms"
FROM "usage_events";

DROP TABLE "usage_events";
ALTER TABLE "usage_events_partitioned" RENAME TO "usage_events";

-- Indexes after the copy (faster than maintaining them row by row); each is created on every partition too.
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_pkey" PRIMARY KEY ("id", "created_at");
CREATE UNIQUE INDEX "usage_events_request_id_created_at_key" ON "usage_events"("request_id", "created_at");
CREATE INDEX "usage_events_tenant_id_created_at_idx" ON "usage_events"("tenant_id", "created_at");
CREATE INDEX "usage_events_created_at_idx" ON "usage_events"("created_at");
CREATE INDEX "usage_events_ingest_xid_id_idx" ON "usage_events"("ingest_xid", "id");
