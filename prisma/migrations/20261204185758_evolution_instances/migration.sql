-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "format_options" JSONB,
ADD COLUMN     "payload_format" TEXT NOT NULL DEFAULT 'standard',
ADD COLUMN     "slot" INTEGER;

-- CreateTable
CREATE TABLE "evolution_instances" (
    "name" TEXT NOT NULL,
    "instance_id" TEXT NOT NULL,
    "store_id" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "token_hash" TEXT NOT NULL,
    "owns_store" BOOLEAN NOT NULL,
    "integration" TEXT NOT NULL DEFAULT 'WHATSAPP-BAILEYS',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evolution_instances_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "evolution_instances_instance_id_key" ON "evolution_instances"("instance_id");

-- CreateIndex
CREATE UNIQUE INDEX "evolution_instances_token_hash_key" ON "evolution_instances"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "evolution_instances_store_id_slot_key" ON "evolution_instances"("store_id", "slot");

-- AddForeignKey
ALTER TABLE "evolution_instances" ADD CONSTRAINT "evolution_instances_store_id_fkey" FOREIGN KEY ("store_id") REFERENCES "stores"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CHECK constraints (hand-written, listed in test/support/check-constraints.ts)
ALTER TABLE "webhooks"
  ADD CONSTRAINT "webhooks_slot_check" CHECK (slot >= 1 AND slot <= 10),
  ADD CONSTRAINT "webhooks_payload_format_check" CHECK (payload_format = ANY (ARRAY['standard', 'evolution']));
ALTER TABLE "evolution_instances"
  ADD CONSTRAINT "evolution_instances_slot_check" CHECK (slot >= 1 AND slot <= 10),
  ADD CONSTRAINT "evolution_instances_name_check" CHECK (name ~ '^[A-Za-z0-9 _.@-]{1,100}$');
