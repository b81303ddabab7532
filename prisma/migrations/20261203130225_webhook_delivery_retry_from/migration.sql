-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "retry_from" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Rows enqueued before this column: their window counts from their enqueue, as it did
UPDATE "webhook_deliveries" SET "retry_from" = "created_at";
