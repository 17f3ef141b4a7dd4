-- The time to a call's first output token, next to the time to the upstream's response headers. Added to the
-- partitioned parent, so every daily partition and the default one get it; older rows keep NULL.
ALTER TABLE "usage_events" ADD COLUMN "time_to_first_token_ms" INTEGER;
