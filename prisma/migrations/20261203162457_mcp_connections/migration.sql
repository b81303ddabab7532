-- AlterTable
ALTER TABLE "service_connections" DROP COLUMN "secret_json",
ADD COLUMN     "secret_fields" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "secret_sealed" BYTEA;

-- AlterTable
ALTER TABLE "mcp_tokens" ADD COLUMN     "label" TEXT;
