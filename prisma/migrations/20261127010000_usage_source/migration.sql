-- Where an event's token counts came from (`upstream`, `estimate`, `unknown`, `none`), so that a call a model
-- answered without counts (cost 0) can be told apart from a free one; and the upstream's time to first byte.
-- Both nullable: rows ingested before this migration have neither.
ALTER TABLE "usage_events" ADD COLUMN "usage_source" TEXT,
ADD COLUMN "time_to_first_byte_ms" INTEGER;
