-- Cursors of the SIEM exporters: one row per sink and stream, moved only after the sink acknowledged a batch.
CREATE TABLE "siem_export_cursors" (
    "sink" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "position" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "siem_export_cursors_pkey" PRIMARY KEY ("sink","stream")
);
