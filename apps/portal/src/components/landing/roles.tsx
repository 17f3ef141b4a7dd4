import { Card } from '@gatehouse/ui';
import { Icon, type IconName } from '../icons';
import { SectionHeading } from './section-heading';

const roles: { icon: IconName; name: string; summary: string; duties: string[] }[] = [
  {
    icon: 'users',
    name: 'Tenant teams',
    summary: 'Browse the catalog, request access and ship, without filing a ticket.',
    duties: [
      'Compare models and APIs with their prices and plans',
      'Request access on a plan, with a justification',
      'Create, rotate and revoke API keys',
      'Follow usage and spend by key and by model',
      'Find any call in the log by its request id',
    ],
  },
  {
    icon: 'sliders',
    name: 'Platform admins',
    summary: 'Decide who gets what, with which limits, and what it may cost.',
    duties: [
      'Approve, reject or revoke subscriptions',
      'Set rate limits, token quotas and monthly budgets',
      'Write policies: access rules, PII, injection, deny lists',
      'Register providers; credentials are encrypted at rest',
      'Prove the audit log intact with its hash chain',
    ],
  },
  {
    icon: 'bolt',
    name: 'The gateway',
    summary: 'Enforces every decision on every call, before it reaches a provider.',
    duties: [
      'Speaks OpenAI chat and Responses, and Anthropic Messages',
      'Checks keys from memory, not the database',
      'Keeps limits and budgets global in Redis',
      'Stateless: run as many copies as traffic needs',
    ],
  },
];

export function Roles() {
  return (
    <section aria-labelledby="roles" className="bg-slate-50">
      <div className="mx-auto max-w-7xl px-4 py-20 sm:px-6 sm:py-28 lg:px-8">
        <SectionHeading
          id="roles"
          eyebrow="How it works"
          title="Three roles, one source of truth"
          lead="Teams ask, admins decide, the gateway enforces. Every decision takes effect across the fleet within a second."
        />
        <ol className="mt-14 grid gap-6 lg:grid-cols-3">
          {roles.map((role, index) => (
            <li key={role.name}>
              <Card elevation="raised" className="flex h-full flex-col p-7">
                <div className="flex items-center justify-between">
                  <div className="flex size-11 items-center justify-center rounded-xl bg-slate-950 text-white">
                    <Icon name={role.icon} className="size-6" />
                  </div>
                  <span aria-hidden="true" className="font-mono text-sm text-slate-400">
                    0{index + 1}
                  </span>
                </div>
                <h3 className="mt-6 text-lg font-semibold text-slate-950">{role.name}</h3>
                <p className="mt-2 text-[15px] leading-7 text-slate-600">{role.summary}</p>
                <ul className="mt-6 space-y-3 border-t border-slate-100 pt-6">
                  {role.duties.map((duty) => (
                    <li key={duty} className="flex gap-3 text-sm leading-6 text-slate-700">
                      <Icon name="check" className="mt-1 size-4 shrink-0 text-indigo-600" strokeWidth={2.25} />
                      {duty}
                    </li>
                  ))}
                </ul>
              </Card>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
