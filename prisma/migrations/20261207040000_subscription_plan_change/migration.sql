-- AlterEnum
ALTER TYPE "subscription_status" ADD VALUE 'SUPERSEDED';

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "replaces_subscription_id" UUID,
ADD COLUMN     "limits_scope_id" UUID;

-- CreateIndex
CREATE INDEX "subscriptions_replaces_subscription_id_idx" ON "subscriptions"("replaces_subscription_id");

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_replaces_subscription_id_fkey" FOREIGN KEY ("replaces_subscription_id") REFERENCES "subscriptions"("id") ON DELETE SET NULL ON UPDATE CASCADE;
