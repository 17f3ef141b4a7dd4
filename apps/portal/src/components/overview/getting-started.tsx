import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge, buttonClasses, Card, CodeBlock, cx } from '@gatehouse/ui';
import { highlight } from '../../lib/highlight';
import { Icon } from '../icons';

export interface GettingStartedProps {
  tenantId: string;
  hasKey: boolean;
  subscription: 'none' | 'pending' | 'approved';
  hasTraffic: boolean;
  /** Members and owners act; viewers are told whom to ask. */
  canAct: boolean;
  gatewayUrl: string;
  /** A model the tenant may call, for the example. */
  model: string;
}

/** The example call, against this deployment's gateway: what a new user pastes into a terminal first. */
export function curlExample(gatewayUrl: string, model: string): string {
  const base = gatewayUrl.replace(/\/+$/, '');
  return `curl ${base}/v1/chat/completions \\
  -H "Authorization: Bearer $GATEHOUSE_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "${model}",
    "messages": [{ "role": "user", "content": "Hello from Gatehouse" }]
  }'`;
}

/**
 * The first-run checklist: the three steps from an empty workspace to a first call, each ticked as it is done, so a
 * first-time visitor knows what to do next without reading a manual.
 */
export function GettingStarted(props: GettingStartedProps) {
  const { tenantId, hasKey, subscription, hasTraffic, canAct, gatewayUrl, model } = props;
  const base = `/t/${encodeURIComponent(tenantId)}`;
  const done = [hasKey, subscription === 'approved', hasTraffic].filter(Boolean).length;
  const code = curlExample(gatewayUrl, model);

  return (
    <Card elevation="raised" className="overflow-hidden">
      <div className="flex flex-col gap-2 border-b border-slate-100 bg-linear-to-r from-indigo-50/80 to-white px-5 py-5 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <div>
          <h2 className="text-lg font-semibold tracking-tight text-slate-950">Get started with Gatehouse</h2>
          <p className="mt-0.5 text-sm text-slate-600">Three steps to your first call through the gateway.</p>
        </div>
        <p className="text-sm font-medium text-indigo-700 tabular-nums">{done} of 3 done</p>
      </div>
      <ol className="divide-y divide-slate-100">
        <Step
          number={1}
          done={hasKey}
          title="Create an API key"
          action={
            canAct &&
            !hasKey && (
              <Link href={`${base}/keys?create=1`} className={buttonClasses({ size: 'sm' })}>
                <Icon name="plus" className="size-4" />
                Create a key
              </Link>
            )
          }
        >
          Your code sends it with every request. The secret is shown once, so keep it in your secret manager.
          {!canAct && ' Ask a member or an owner of this workspace to create one: viewers can only look.'}
        </Step>
        <Step
          number={2}
          done={subscription === 'approved'}
          title="Request access to a product"
          status={subscription === 'pending' ? <Badge tone="warning">Waiting for approval</Badge> : undefined}
          action={
            subscription === 'none' && (
              <Link
                href={`${base}/catalog`}
                className={buttonClasses({ size: 'sm', variant: canAct && hasKey ? 'primary' : 'secondary' })}
              >
                Browse the catalog
              </Link>
            )
          }
        >
          Pick a model or API and a plan in the catalog. Free plans are approved at once; others go to an admin, and you
          are notified of the decision.
        </Step>
        <Step number={3} done={hasTraffic} title="Make your first call">
          <span className="block">
            Put your key in <code className="font-mono text-[13px] text-slate-800">GATEHOUSE_API_KEY</code> and run
            this. The OpenAI and Anthropic SDKs work too: point their base URL at the gateway.
          </span>
          {!hasTraffic && (
            <CodeBlock title="Terminal" code={code} className="mt-4 shadow-none">
              {highlight(code, 'shell')}
            </CodeBlock>
          )}
        </Step>
      </ol>
    </Card>
  );
}

function Step({
  number,
  done,
  title,
  status,
  action,
  children,
}: {
  number: number;
  done: boolean;
  title: string;
  status?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <li className="flex gap-4 px-5 py-5 sm:px-6">
      <span
        className={cx(
          'flex size-8 shrink-0 items-center justify-center rounded-full text-sm font-semibold ring-1',
          done ? 'bg-emerald-50 text-emerald-700 ring-emerald-200' : 'bg-white text-slate-600 ring-slate-300',
        )}
      >
        {done ? <Icon name="check" className="size-4" strokeWidth={2.5} /> : number}
        <span className="sr-only">{done ? ' (done)' : ' (to do)'}</span>
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <h3
              className={cx(
                'flex flex-wrap items-center gap-2 text-sm font-semibold',
                done ? 'text-slate-500' : 'text-slate-950',
              )}
            >
              {title}
              {status}
            </h3>
            <div className="mt-1 text-sm leading-6 text-slate-600">{children}</div>
          </div>
          {action && <div className="shrink-0">{action}</div>}
        </div>
      </div>
    </li>
  );
}
