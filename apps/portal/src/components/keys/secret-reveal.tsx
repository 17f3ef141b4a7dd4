'use client';

import { Alert, Button, CodeBlock, CopyButton, Dialog } from '@gatehouse/ui';
import { formatDateTime } from '../../lib/format';
import { highlight } from '../../lib/highlight';
import type { RevealedSecret } from './types';

/**
 * The one moment a key's secret is visible. It lives in this component's props only (never in the URL, storage or a
 * log) and is gone when the dialog closes.
 */
export function SecretRevealDialog({
  revealed,
  onClose,
  timeZone,
  gatewayUrl,
}: {
  revealed: RevealedSecret | null;
  onClose: () => void;
  timeZone: string;
  gatewayUrl: string;
}) {
  const rotated = revealed?.previousSecretValidUntil !== undefined;
  const example = `export GATEHOUSE_API_KEY="<paste your key>"
curl ${gatewayUrl.replace(/\/+$/, '')}/v1/models \\
  -H "Authorization: Bearer $GATEHOUSE_API_KEY"`;

  return (
    <Dialog
      open={revealed !== null}
      onClose={onClose}
      size="lg"
      title={rotated ? 'Copy the new secret' : 'Copy your new API key'}
      description={
        revealed ? (
          <>
            For the key <span className="font-medium text-slate-900">{revealed.name}</span>.
          </>
        ) : undefined
      }
      footer={<Button onClick={onClose}>I have copied it</Button>}
    >
      {revealed && (
        <div className="space-y-5">
          <Alert tone="warning" title="This is the only time the secret is shown">
            Gatehouse stores only a hash of it, so nobody can show it to you again. Copy it now into your secret manager
            or environment. If you lose it, rotate the key to get a new one.
          </Alert>
          <div>
            <p className="text-sm font-medium text-slate-900" id="revealed-secret-label">
              Secret key
            </p>
            <div className="mt-1.5 flex items-center gap-2 rounded-lg border border-slate-300 bg-slate-50 p-1.5 pl-3">
              <code
                aria-labelledby="revealed-secret-label"
                className="min-w-0 flex-1 font-mono text-sm break-all text-slate-950 select-all"
              >
                {revealed.secret}
              </code>
              <CopyButton text={revealed.secret} label="secret key" tone="light" />
            </div>
            <p className="mt-1.5 text-sm text-slate-600">
              {revealed.expiresAt
                ? `Expires on ${formatDateTime(revealed.expiresAt, timeZone)}.`
                : 'It does not expire; revoke it when you no longer need it.'}
            </p>
          </div>
          {rotated && revealed.previousSecretValidUntil && (
            <Alert tone="info" title="The previous secret still works for a while">
              Requests with the old secret are accepted until{' '}
              {formatDateTime(revealed.previousSecretValidUntil, timeZone)}. Deploy the new one before then.
            </Alert>
          )}
          <CodeBlock title="Check that it works" code={example} className="shadow-none">
            {highlight(example, 'shell')}
          </CodeBlock>
        </div>
      )}
    </Dialog>
  );
}
