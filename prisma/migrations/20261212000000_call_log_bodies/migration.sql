-- Stored request/response bodies of the call log (ciphertext only), partitioned by the call's time.
CREATE TABLE "call_log_bodies" (
    "request_id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "key_version" INTEGER NOT NULL,
    "request_ciphertext" BYTEA,
    "request_iv" BYTEA,
    "request_tag" BYTEA,
    "response_ciphertext" BYTEA,
    "response_iv" BYTEA,
    "response_tag" BYTEA,
    "request_truncated" BOOLEAN NOT NULL DEFAULT false,
    "response_truncated" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "call_log_bodies_pkey" PRIMARY KEY ("request_id", "created_at")
) PARTITION BY RANGE ("created_at");

-- Every row lands here until daily partitions are created for the table.
CREATE TABLE "call_log_bodies_default" PARTITION OF "call_log_bodies" DEFAULT;

CREATE INDEX "call_log_bodies_expires_at_idx" ON "call_log_bodies"("expires_at");
