-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "default_country" TEXT NOT NULL DEFAULT 'BR',
ADD COLUMN     "send_policy" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "session_slots" ADD COLUMN     "linked_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "outbound_jobs" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "store_id" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "message_id" TEXT NOT NULL,
    "to_jid" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "media" BYTEA,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "not_before" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "held_by" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimed_by" TEXT,
    "claimed_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "send_holds" (
    "store_id" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "send_holds_pkey" PRIMARY KEY ("store_id","slot","reason")
);

-- CreateIndex
CREATE INDEX "outbound_jobs_store_id_slot_state_seq_idx" ON "outbound_jobs"("store_id", "slot", "state", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "outbound_jobs_store_id_message_id_key" ON "outbound_jobs"("store_id", "message_id");

-- AddForeignKey
ALTER TABLE "outbound_jobs" ADD CONSTRAINT "outbound_jobs_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbound_jobs" ADD CONSTRAINT "outbound_jobs_store_id_message_id_fkey" FOREIGN KEY ("store_id", "message_id") REFERENCES "messages"("store_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "send_holds" ADD CONSTRAINT "send_holds_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CHECK constraints (hand-written, listed in test/support/check-constraints.ts)
ALTER TABLE "outbound_jobs"
  ADD CONSTRAINT "outbound_jobs_slot_check" CHECK (slot BETWEEN 1 AND 10),
  ADD CONSTRAINT "outbound_jobs_state_check" CHECK (state IN ('pending', 'sending', 'done', 'failed')),
  ADD CONSTRAINT "outbound_jobs_attempts_check" CHECK (attempts >= 0);
ALTER TABLE "send_holds"
  ADD CONSTRAINT "send_holds_slot_check" CHECK (slot BETWEEN 1 AND 10);
