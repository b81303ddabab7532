-- Fencing token of a slot's owner: bumped on every lock acquisition, checked by every auth write.
ALTER TABLE "session_slots" ADD COLUMN     "owner_epoch" BIGINT NOT NULL DEFAULT 0;

-- Auth state sealed at rest (AES-256-GCM, bytea). Rows that exist already keep their BufferJSON
-- text as bytes under key_version 0 ("plaintext, not yet sealed"): the daemon still reads them,
-- and `npm run secrets:rotate` seals them under the current key. New writes always seal.
ALTER TABLE "auth_creds" ADD COLUMN     "key_version" SMALLINT NOT NULL DEFAULT 0,
ALTER COLUMN "data" TYPE BYTEA USING convert_to("data", 'UTF8');
ALTER TABLE "auth_creds" ALTER COLUMN "key_version" DROP DEFAULT;

ALTER TABLE "auth_keys" ADD COLUMN     "key_version" SMALLINT NOT NULL DEFAULT 0,
ALTER COLUMN "value" TYPE BYTEA USING convert_to("value", 'UTF8');
ALTER TABLE "auth_keys" ALTER COLUMN "key_version" DROP DEFAULT;
