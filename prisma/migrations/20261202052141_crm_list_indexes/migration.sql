-- CreateIndex
CREATE INDEX "contacts_store_id_created_at_id_idx" ON "contacts"("store_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "conversations_store_id_started_at_id_idx" ON "conversations"("store_id", "started_at" DESC, "id" DESC);
