import { Icon, type IconName } from '../icons';
import { SectionHeading } from './section-heading';

// Only what the platform does today: a feature joins this list in the change that makes it work.
const features: { icon: IconName; title: string; body: string }[] = [
  {
    icon: 'key',
    title: 'Self-serve API keys',
    body: 'Teams create keys scoped to the access they were granted. Secrets are shown once and stored only as hashes; rotation keeps the old key working for a grace period.',
  },
  {
    icon: 'approval',
    title: 'Approvals on plans',
    body: 'Every product comes with plans. Free tiers are approved on the spot; the rest wait for an admin, who can tighten any limit or set an expiry.',
  },
  {
    icon: 'gauge',
    title: 'Budgets that hold',
    body: 'Each request reserves its worst-case cost in one atomic step before it runs, then settles to what it used. A thousand parallel calls cannot overshoot.',
  },
  {
    icon: 'chart',
    title: 'A usage record for every call',
    body: 'Tokens, cost, latency, model and key for each request, rolled up by minute, hour and day, in daily partitions that retention drops whole. If Redis is unavailable, events are spooled, never dropped.',
  },
  {
    icon: 'shield',
    title: 'An audit trail you can verify',
    body: 'Every admin change is recorded with who made it and from where, in a hash-chained log that proves nothing was altered or removed. Keys are hashed, provider credentials encrypted.',
  },
  {
    icon: 'ban',
    title: 'Guardrails on prompts and answers',
    body: 'Policies written as code decide what may be sent and returned: parameter checks, personal data redacted before a model sees it and put back in the answer, prompt-injection scoring, deny lists, and streamed answers cut cleanly when a rule fires.',
  },
  {
    icon: 'logs',
    title: 'Every call in view',
    body: 'A searchable call log for each team, with request and response bodies stored redacted and encrypted where a policy asks; Prometheus metrics with bounded labels, OpenTelemetry traces across every stage and upstream attempt, alerts when errors, cost or refusals jump against a rolling baseline, and the audit trail and calls exported to your SIEM.',
  },
  {
    icon: 'route',
    title: 'Routing that rides out outages',
    body: 'Weighted targets, retries with backoff, fallback to the next provider and a circuit breaker per upstream. Streams pass straight through.',
  },
  {
    icon: 'terminal',
    title: 'The protocols agents speak',
    body: 'OpenAI chat completions and the Responses API, with its typed events and stored conversations, and Anthropic Messages, against any upstream: tool calls, parallel calls and images are translated both ways, streamed or not.',
  },
];

export function Features() {
  return (
    <section aria-labelledby="features" className="mx-auto max-w-7xl px-4 py-20 sm:px-6 sm:py-28 lg:px-8">
      <SectionHeading
        id="features"
        eyebrow="Features"
        title="Everything between your teams and the models they call"
        lead="Gatehouse turns model access into a product your platform team can offer: a catalog, plans, keys and a bill that adds up."
      />
      <ul className="mt-14 grid gap-x-8 gap-y-10 sm:grid-cols-2 sm:gap-y-12 lg:grid-cols-3">
        {features.map((feature) => (
          <li key={feature.title}>
            <div className="flex size-11 items-center justify-center rounded-xl bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
              <Icon name={feature.icon} className="size-6" />
            </div>
            <h3 className="mt-5 text-base font-semibold text-slate-950">{feature.title}</h3>
            <p className="mt-2 text-[15px] leading-7 text-slate-600">{feature.body}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
