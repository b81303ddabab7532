-- AlterTable
ALTER TABLE "bot_configs" ADD COLUMN     "closed_message" TEXT,
ADD COLUMN     "fallback_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "handoff_keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "handoff_message" TEXT,
ADD COLUMN     "handoff_pause_minutes" INTEGER NOT NULL DEFAULT 240,
ADD COLUMN     "hours_mode" TEXT NOT NULL DEFAULT 'always',
ADD COLUMN     "llm_timeout_ms" INTEGER NOT NULL DEFAULT 30000,
ADD COLUMN     "max_tokens" INTEGER,
ADD COLUMN     "model" TEXT,
ADD COLUMN     "monthly_cost_budget" DOUBLE PRECISION,
ADD COLUMN     "monthly_token_budget" INTEGER,
ADD COLUMN     "owner_reply_pause_minutes" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "replies_per_contact_per_hour" INTEGER NOT NULL DEFAULT 20,
ADD COLUMN     "reply_debounce_ms" INTEGER NOT NULL DEFAULT 4000,
ADD COLUMN     "reply_to_groups" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "snapshot_messages" INTEGER NOT NULL DEFAULT 50,
ADD COLUMN     "temperature" DOUBLE PRECISION,
ADD COLUMN     "tools_enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "transcribe_audio" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "transcription_model" TEXT,
ADD COLUMN     "voice_note_reply" TEXT;

-- CreateTable
CREATE TABLE "bot_turns" (
    "id" TEXT NOT NULL,
    "store_id" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_until" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "trigger_message_id" TEXT NOT NULL,
    "trigger_at" TIMESTAMPTZ(3) NOT NULL,
    "outcome" TEXT,
    "detail" TEXT,
    "model" TEXT,
    "prompt_tokens" INTEGER,
    "completion_tokens" INTEGER,
    "cost" DOUBLE PRECISION,
    "prompt_version" TEXT,
    "config_revision" INTEGER,
    "system_prompt_hash" TEXT,
    "context_message_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "snapshot_id" TEXT,
    "tool_calls" JSONB NOT NULL DEFAULT '[]',
    "reply_text" TEXT,
    "reply_message_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "bot_turns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bot_pauses" (
    "store_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bot_pauses_pkey" PRIMARY KEY ("store_id","contact_id")
);

-- CreateTable
CREATE TABLE "llm_calls" (
    "id" TEXT NOT NULL,
    "store_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "model" TEXT,
    "result" TEXT NOT NULL,
    "detail" TEXT,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latency_ms" INTEGER NOT NULL,
    "turn_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "llm_calls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "bot_turns_state_due_at_idx" ON "bot_turns"("state", "due_at");

-- CreateIndex
CREATE INDEX "bot_turns_store_id_contact_id_created_at_idx" ON "bot_turns"("store_id", "contact_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "bot_turns_store_id_conversation_id_trigger_at_idx" ON "bot_turns"("store_id", "conversation_id", "trigger_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "bot_turns_one_pending_key" ON "bot_turns"("store_id", "conversation_id") WHERE (state = 'pending');

-- CreateIndex
CREATE INDEX "llm_calls_store_id_created_at_idx" ON "llm_calls"("store_id", "created_at");

-- AddForeignKey
ALTER TABLE "bot_turns" ADD CONSTRAINT "bot_turns_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bot_turns" ADD CONSTRAINT "bot_turns_store_id_conversation_id_fkey" FOREIGN KEY ("store_id", "conversation_id") REFERENCES "conversations"("store_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bot_pauses" ADD CONSTRAINT "bot_pauses_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bot_pauses" ADD CONSTRAINT "bot_pauses_store_id_contact_id_fkey" FOREIGN KEY ("store_id", "contact_id") REFERENCES "contacts"("store_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "llm_calls" ADD CONSTRAINT "llm_calls_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CHECK constraints (hand-written, listed in test/support/check-constraints.ts)
ALTER TABLE "bot_configs"
  ADD CONSTRAINT "bot_configs_hours_mode_check" CHECK (hours_mode IN ('always', 'open_only', 'closed_only'));
ALTER TABLE "bot_turns"
  ADD CONSTRAINT "bot_turns_slot_check" CHECK (slot >= 1 AND slot <= 10),
  ADD CONSTRAINT "bot_turns_state_check" CHECK (state IN ('pending', 'running', 'replying', 'replied', 'skipped', 'failed')),
  ADD CONSTRAINT "bot_turns_attempts_check" CHECK (attempts >= 0);
ALTER TABLE "bot_pauses"
  ADD CONSTRAINT "bot_pauses_reason_check" CHECK (reason IN ('owner_reply', 'handoff_keyword', 'handoff_tool', 'api'));
ALTER TABLE "llm_calls"
  ADD CONSTRAINT "llm_calls_purpose_check" CHECK (purpose IN ('reply', 'snapshot', 'transcription')),
  ADD CONSTRAINT "llm_calls_result_check" CHECK (result IN ('ok', 'rate_limited', 'out_of_credits', 'server_error', 'timeout', 'bad_response', 'error'));
