/**
 * The demo catalog (docs/architecture.md, Seed): product `demo` with models `demo-chat` and `demo-embed` routed to the
 * built-in mock provider, and plans `demo-free` (auto-approved) and `demo-pro` (needs approval).
 */

export const MOCK_PROVIDER_NAME = 'mock';

export const DEMO_PRODUCT = {
  slug: 'demo',
  name: 'Demo',
  description: 'Chat and embedding models served by the built-in mock provider. Free to try, no real provider key.',
} as const;

/** Prices in force since this instant; a fixed date, so running the seed again finds the same row. */
export const DEMO_PRICES_EFFECTIVE_FROM = new Date('2025-01-01T00:00:00.000Z');

export interface DemoModel {
  alias: string;
  upstreamModel: string;
  /** USD per 1M tokens, as decimal strings (never floats). */
  inputPer1M: string;
  outputPer1M: string;
  cachedInputPer1M: string | null;
}

export const DEMO_MODELS: readonly DemoModel[] = [
  { alias: 'demo-chat', upstreamModel: 'mock-chat', inputPer1M: '0.5', outputPer1M: '1.5', cachedInputPer1M: '0.25' },
  { alias: 'demo-embed', upstreamModel: 'mock-embed', inputPer1M: '0.02', outputPer1M: '0', cachedInputPer1M: null },
];

export interface DemoPlan {
  name: string;
  description: string;
  autoApprove: boolean;
  rpm: number | null;
  rpmBurst: number | null;
  tpm: number | null;
  tpmBurst: number | null;
  concurrency: number | null;
  dailyTokens: bigint | null;
  monthlyTokens: bigint | null;
  monthlyCalls: bigint | null;
  monthlyBudgetUsd: string | null;
  /** Empty = every model of the product. */
  allowedModels: string[];
}

/** Bursts are left unset (null): the limiter's default burst applies. */
export const DEMO_PLANS: readonly DemoPlan[] = [
  {
    name: 'demo-free',
    description: 'Try the demo models right away: approved on request, with modest limits.',
    autoApprove: true,
    rpm: 60,
    rpmBurst: null,
    tpm: 100_000,
    tpmBurst: null,
    concurrency: 4,
    dailyTokens: 200_000n,
    monthlyTokens: 2_000_000n,
    monthlyCalls: 10_000n,
    monthlyBudgetUsd: '5',
    allowedModels: [],
  },
  {
    name: 'demo-pro',
    description: 'Higher limits for the demo models; an admin approves each request.',
    autoApprove: false,
    rpm: 600,
    rpmBurst: null,
    tpm: 1_000_000,
    tpmBurst: null,
    concurrency: 32,
    dailyTokens: null,
    monthlyTokens: 50_000_000n,
    monthlyCalls: 1_000_000n,
    monthlyBudgetUsd: '100',
    allowedModels: [],
  },
];
