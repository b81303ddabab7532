-- A conversation's turns are answered one at a time. Turns that were in hand side by side before
-- this (a burst claimed while an earlier one was still being answered) keep the newest, and the older
-- ones are skipped, as a superseded turn is.
UPDATE "bot_turns" SET state = 'skipped', outcome = 'superseded',
  detail = 'another turn of this conversation was being answered when turns became one at a time',
  lease_until = NULL, finished_at = now(), updated_at = now()
WHERE id IN (
  SELECT id FROM (
    SELECT id, row_number() OVER (PARTITION BY store_id, conversation_id ORDER BY trigger_at DESC, id DESC) AS n
    FROM "bot_turns" WHERE state IN ('running', 'replying')
  ) ranked WHERE n > 1
);

-- CreateIndex
CREATE UNIQUE INDEX "bot_turns_one_in_hand_key" ON "bot_turns"("store_id", "conversation_id") WHERE (state IN ('running', 'replying'));
