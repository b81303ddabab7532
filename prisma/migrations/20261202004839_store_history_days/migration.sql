-- AlterTable
ALTER TABLE "settings" ADD COLUMN     "history_days" INTEGER NOT NULL DEFAULT 7;
