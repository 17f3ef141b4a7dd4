-- AlterTable
ALTER TABLE "policy_versions" ADD COLUMN     "message" TEXT;
