'use client';

import { auditVerifyResultSchema, type AuditVerifyResult } from '@gatehouse/contracts';
import { useRef, useState } from 'react';
import { Alert, Button } from '@gatehouse/ui';
import { callApi } from '../../../lib/api/client';
import { formatInteger } from '../../../lib/format';

type State = { kind: 'idle' } | { kind: 'done'; result: AuditVerifyResult } | { kind: 'failed'; message: string };

const KIND_TEXT = {
  altered: 'its content does not match its hash (it was altered)',
  'broken-link': 'it does not follow the event before it (a row was inserted or removed)',
} as const;

/**
 * Walks the whole hash chain on admin-api and says whether it holds. The result is announced (the alerts are live
 * regions) and focus moves to it, so keyboard and screen reader users learn the outcome where it appears.
 */
export function VerifyChain() {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [running, setRunning] = useState(false);
  const resultRef = useRef<HTMLDivElement>(null);

  const verify = async () => {
    setRunning(true);
    const result = await callApi('GET', '/admin/audit/verify', { schema: auditVerifyResultSchema });
    setRunning(false);
    setState(result.ok ? { kind: 'done', result: result.data } : { kind: 'failed', message: result.error.message });
    requestAnimationFrame(() => resultRef.current?.focus());
  };

  return (
    <div className="space-y-3">
      <Button variant="secondary" onClick={() => void verify()} loading={running}>
        {running ? 'Verifying…' : 'Verify the chain'}
      </Button>
      <div ref={resultRef} tabIndex={-1} className="outline-none">
        {state.kind === 'done' && state.result.ok && (
          <Alert tone="success" title={`${formatInteger(state.result.count)} events, chain intact`}>
            Every event matches its hash and follows the one before it.
            {state.result.lastHash && (
              <>
                {' '}
                Last hash: <code className="font-mono text-xs break-all">{state.result.lastHash}</code>. Compare it with
                a copy kept outside the database to see that no event was removed from the end.
              </>
            )}
          </Alert>
        )}
        {state.kind === 'done' && !state.result.ok && (
          <Alert
            tone="danger"
            title={
              state.result.firstBadEvent
                ? `Chain broken at event #${state.result.firstBadEvent.seq}`
                : 'The chain is broken'
            }
          >
            {state.result.firstBadEvent ? (
              <>
                Event <code className="font-mono text-xs break-all">{state.result.firstBadEvent.id}</code>:{' '}
                {KIND_TEXT[state.result.firstBadEvent.kind]}. {state.result.firstBadEvent.message} (
                {formatInteger(state.result.count)} events checked.)
              </>
            ) : (
              `${formatInteger(state.result.count)} events checked.`
            )}
          </Alert>
        )}
        {state.kind === 'failed' && (
          <Alert tone="danger" title="The chain could not be verified">
            {state.message}
          </Alert>
        )}
      </div>
    </div>
  );
}
