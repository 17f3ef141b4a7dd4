import Link from 'next/link';
import type { ReactNode } from 'react';
import { CodeBlock, focusRing } from '@gatehouse/ui';
import { highlight } from '../../lib/highlight';
import { SectionHeading } from './section-heading';

const sdkSample = `import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: 'http://localhost:8080/v1',
  apiKey: process.env.GATEHOUSE_API_KEY, // gh_live_...
});

const completion = await client.chat.completions.create({
  model: 'demo-chat',
  messages: [{ role: 'user', content: 'Hello from Gatehouse' }],
});

console.log(completion.choices[0].message.content);`;

const curlSample = `curl http://localhost:8080/v1/chat/completions \\
  -H "Authorization: Bearer $GATEHOUSE_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "demo-chat",
    "messages": [{ "role": "user", "content": "Hello from Gatehouse" }]
  }'`;

const linkClasses = `rounded font-medium text-white underline decoration-indigo-400 underline-offset-4 hover:decoration-white ${focusRing} focus-visible:ring-offset-slate-950`;

export function QuickStart() {
  return (
    <section aria-labelledby="quick-start" className="relative isolate overflow-hidden bg-slate-950">
      <div
        aria-hidden="true"
        className="absolute top-0 right-[-10rem] -z-10 h-[36rem] w-[36rem] rounded-full bg-indigo-600/25 blur-3xl"
      />
      <div className="mx-auto grid max-w-7xl gap-14 px-4 py-20 sm:px-6 sm:py-28 lg:grid-cols-[0.9fr_1.1fr] lg:px-8">
        <div>
          <SectionHeading
            id="quick-start"
            tone="dark"
            eyebrow="Quick start"
            title="Keep your SDK. Change one URL."
            lead="The gateway speaks the OpenAI and Anthropic APIs, so existing code works unchanged: point it at Gatehouse and use a Gatehouse key."
          />
          <ol className="mt-10 space-y-6">
            <Step number={1} title="Create an account">
              <Link href="/signup" className={linkClasses}>
                Sign up
              </Link>{' '}
              with your work email; you become the owner of your team&apos;s workspace.
            </Step>
            <Step number={2} title="Subscribe to a plan">
              Pick the <code className="font-mono text-[13px] text-indigo-200">demo</code> product. Its free plan is
              approved instantly; larger plans go to an admin.
            </Step>
            <Step number={3} title="Create a key">
              Copy the <code className="font-mono text-[13px] text-indigo-200">gh_live_</code> secret. It is shown once,
              so store it in your secret manager.
            </Step>
            <Step number={4} title="Call the gateway">
              Use the official SDK with the gateway&apos;s base URL, as in the example.
            </Step>
          </ol>
        </div>
        <div className="flex min-w-0 flex-col gap-6 lg:pt-2">
          <CodeBlock title="app.ts" code={sdkSample}>
            {highlight(sdkSample, 'typescript')}
          </CodeBlock>
          <CodeBlock title="Terminal" code={curlSample}>
            {highlight(curlSample, 'shell')}
          </CodeBlock>
          <p className="text-sm leading-6 text-slate-400">
            Using Anthropic&apos;s SDK? Set its base URL to{' '}
            <code className="font-mono text-[13px] text-slate-200">http://localhost:8080</code>:{' '}
            <code className="font-mono text-[13px] text-slate-200">/v1/messages</code> speaks the Messages API.
          </p>
        </div>
      </div>
    </section>
  );
}

function Step({ number, title, children }: { number: number; title: string; children: ReactNode }) {
  return (
    <li className="flex gap-4">
      <span
        aria-hidden="true"
        className="flex size-8 shrink-0 items-center justify-center rounded-full bg-white/10 font-mono text-sm font-semibold text-white ring-1 ring-white/15"
      >
        {number}
      </span>
      <div>
        <h3 className="font-semibold text-white">{title}</h3>
        <p className="mt-1 text-[15px] leading-7 text-slate-300">{children}</p>
      </div>
    </li>
  );
}
