-- AlterTable
ALTER TABLE "outbound_jobs" ADD COLUMN     "idempotency_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "outbound_jobs_store_id_idempotency_key_key" ON "outbound_jobs"("store_id", "idempotency_key");
