import type { TenantUsageSummaryResponse } from '@gatehouse/contracts';
import { modelLabel } from '../../lib/format';
import { RankTable } from '../usage/rank-table';

/** The month's costliest keys and models, side by side. */
export function TopUsage({ summary }: { summary: TenantUsageSummaryResponse }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <RankTable
        caption="Top keys this month"
        firstColumn="Key"
        rows={summary.topKeys.map((key) => ({
          id: key.apiKeyId,
          name: key.keyName ?? 'Deleted key',
          detail: key.keyPrefix ? `${key.keyPrefix}…` : undefined,
          requests: key.requests,
          tokens: key.inputTokens + key.outputTokens,
          costUsd: key.costUsd,
        }))}
      />
      <RankTable
        caption="Top models this month"
        firstColumn="Model"
        rows={summary.topModels.map((model) => ({
          id: model.model,
          name: modelLabel(model.model),
          requests: model.requests,
          tokens: model.inputTokens + model.outputTokens,
          costUsd: model.costUsd,
        }))}
      />
    </div>
  );
}
