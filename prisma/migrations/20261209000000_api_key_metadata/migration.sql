-- Free-form metadata labels of an API key (`{ "team": "search" }`), read by the policy rule `access.keyMetadata`.
-- Existing keys get none.
ALTER TABLE "api_keys" ADD COLUMN "metadata" JSONB NOT NULL DEFAULT '{}';
