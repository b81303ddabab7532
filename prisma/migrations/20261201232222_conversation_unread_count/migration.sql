-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "unread_count" INTEGER NOT NULL DEFAULT 0;
