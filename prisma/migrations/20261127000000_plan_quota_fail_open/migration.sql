-- AlterTable
ALTER TABLE "plans" ADD COLUMN     "quota_fail_open" BOOLEAN NOT NULL DEFAULT false;
