-- CreateTable
CREATE TABLE "job_runs" (
    "key" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "scheduled_for" TIMESTAMPTZ(3) NOT NULL,
    "process_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "result" TEXT NOT NULL DEFAULT 'running',
    "detail" JSONB,
    "error" TEXT,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "job_runs_job_started_at_idx" ON "job_runs"("job", "started_at" DESC);

-- What a run may end as.
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_result_check" CHECK (result IN ('running', 'ok', 'failed'));

-- Media past its retention: the bytes are dropped, the row says so.
ALTER TABLE "message_media" DROP CONSTRAINT "message_media_status_check";
ALTER TABLE "message_media" ADD CONSTRAINT "message_media_status_check" CHECK (status IN ('pending', 'downloading', 'stored', 'failed', 'too_large', 'expired'));
