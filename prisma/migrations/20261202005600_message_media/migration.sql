-- CreateTable
CREATE TABLE "message_media" (
    "id" TEXT NOT NULL,
    "store_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "mimetype" TEXT,
    "size" BIGINT,
    "sha256" TEXT,
    "data" BYTEA,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_media_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "message_media_status_next_attempt_at_idx" ON "message_media"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "message_media_store_id_message_id_key" ON "message_media"("store_id", "message_id");

-- CreateIndex
CREATE UNIQUE INDEX "message_media_store_id_id_key" ON "message_media"("store_id", "id");

-- AddForeignKey
ALTER TABLE "message_media" ADD CONSTRAINT "message_media_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_media" ADD CONSTRAINT "message_media_store_id_message_id_fkey" FOREIGN KEY ("store_id", "message_id") REFERENCES "messages"("store_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (Prisma has no CHECK syntax): the media statuses, listed in test/support/check-constraints.ts
ALTER TABLE "message_media" ADD CONSTRAINT "message_media_status_check" CHECK (status IN ('pending', 'downloading', 'stored', 'failed', 'too_large'));
ALTER TABLE "message_media" ADD CONSTRAINT "message_media_attempts_check" CHECK (attempts >= 0);
