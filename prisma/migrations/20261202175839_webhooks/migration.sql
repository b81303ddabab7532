-- AlterTable
ALTER TABLE "webhooks" DROP COLUMN "secret_enc",
ADD COLUMN     "description" TEXT,
ADD COLUMN     "header_names" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "headers_sealed" BYTEA,
ADD COLUMN     "retry_base_ms" INTEGER NOT NULL DEFAULT 5000,
ADD COLUMN     "retry_max_age_minutes" INTEGER NOT NULL DEFAULT 1440,
ADD COLUMN     "secret_last4" TEXT NOT NULL,
ADD COLUMN     "secret_sealed" BYTEA NOT NULL;

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE INDEX "webhooks_store_id_idx" ON "webhooks"("store_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_order_idx" ON "webhook_deliveries"("webhook_id", "ordering_key", "seq") WHERE (status IN ('pending', 'delivering'));

-- CHECK constraints (hand-written, listed in test/support/check-constraints.ts)
ALTER TABLE "webhooks"
  ADD CONSTRAINT "webhooks_retry_base_ms_check" CHECK (retry_base_ms >= 100 AND retry_base_ms <= 3600000),
  ADD CONSTRAINT "webhooks_retry_max_age_minutes_check" CHECK (retry_max_age_minutes >= 1 AND retry_max_age_minutes <= 10080);
