-- Providers on a loopback or private network must be marked internal by an admin; every other provider's base URL
-- is refused there at save time and at connect time. Existing providers on such addresses (mock-provider, which
-- the seed creates) are marked so they keep working; the rest start as public.
ALTER TABLE "providers" ADD COLUMN "internal" BOOLEAN NOT NULL DEFAULT false;

UPDATE "providers" SET "internal" = true
WHERE "base_url" ~* '^https?://(localhost|127\.[0-9.]+|10\.[0-9.]+|192\.168\.[0-9.]+|172\.(1[6-9]|2[0-9]|3[01])\.[0-9.]+|\[::1\]|mock-provider)(:[0-9]+)?(/|$)';
