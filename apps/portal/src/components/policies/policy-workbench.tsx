'use client';

import {
  policyValidationSchema,
  type PolicyProblemResponse,
  type PolicyResponse,
  type PolicyVersionRefResponse,
} from '@gatehouse/contracts';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { Alert, Button, Card } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import type { PolicyEndpoints } from '../../lib/api/policy-endpoints';
import { DryRunPanel } from './dry-run-panel';
import { starterPolicy } from './policy-names';
import { PolicyProblems } from './policy-problems';
import { RollbackPolicyDialog } from './rollback-policy-dialog';
import { SavePolicyDialog } from './save-policy-dialog';
import { VersionHistory } from './version-history';
import { selectLine, YamlEditor } from './yaml-editor';

/** Where the last check of the text stands. */
type Check =
  | { state: 'unchecked' }
  | { state: 'valid'; text: string }
  | { state: 'invalid'; problems: PolicyProblemResponse[] }
  | { state: 'failed'; message: string };

/**
 * One policy document's page body, for platform admins (any document) and tenant owners (their own): the YAML
 * editor with admin-api's checks shown at their lines, a dry run of the unsaved text, saving it as a new version,
 * and the version history with diffs and rollback. The page remounts it when the version in force changes, so the
 * editor then starts from the new text.
 */
export function PolicyWorkbench({
  endpoints,
  policy,
  timeZone,
  defaultTenantId,
  products,
}: {
  endpoints: PolicyEndpoints;
  /** Null for a document without a version yet: the editor starts from a template. */
  policy: PolicyResponse | null;
  /** Of the times shown: UTC for admins, the tenant's zone for its owners. */
  timeZone: string;
  defaultTenantId?: string;
  products: { slug: string; models: string[] }[];
}) {
  const router = useRouter();
  const inForce =
    policy?.yaml != null && policy.activeVersion !== null ? { version: policy.activeVersion, yaml: policy.yaml } : null;
  const [draft, setDraft] = useState(() => inForce?.yaml ?? starterPolicy(endpoints.name));
  const [check, setCheck] = useState<Check>({ state: 'unchecked' });
  const [checking, setChecking] = useState<'check' | 'save' | null>(null);
  const [saving, setSaving] = useState(false);
  const [rollbackTo, setRollbackTo] = useState<number | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const problemsId = useId();

  const problems = check.state === 'invalid' ? check.problems : [];
  const problemLines = useMemo(
    () => new Set(problems.flatMap((problem) => (problem.line === null ? [] : [problem.line]))),
    [problems],
  );
  const dirty = inForce === null || draft !== inForce.yaml;

  const showProblems = (found: PolicyProblemResponse[]) => setCheck({ state: 'invalid', problems: found });
  const goToLine = (line: number) => {
    if (textareaRef.current) selectLine(textareaRef.current, line);
  };

  /** Asks admin-api whether the text would be saved; true when it would. */
  const validate = async (purpose: 'check' | 'save'): Promise<boolean> => {
    const text = draft;
    setChecking(purpose);
    const result = await callApi('POST', endpoints.validate, { body: { yaml: text }, schema: policyValidationSchema });
    setChecking(null);
    if (!result.ok) {
      setCheck({ state: 'failed', message: result.error.message });
      return false;
    }
    setCheck(result.data.valid ? { state: 'valid', text } : { state: 'invalid', problems: result.data.errors });
    return result.data.valid;
  };

  const startSave = async () => {
    if (await validate('save')) setSaving(true);
  };

  const changed = (result: PolicyVersionRefResponse, verb: string) => {
    toast.success(`Version ${result.version} of ${result.name} is in force`, {
      description: `${verb}. Every gateway applies it within a second.`,
    });
    setSaving(false);
    setRollbackTo(null);
    router.refresh();
  };

  return (
    <div className="space-y-10">
      <section aria-labelledby="policy-editor" className="space-y-4">
        <h2 id="policy-editor" className="text-lg font-semibold text-slate-950">
          {inForce ? 'Edit the document' : 'Write the document'}
        </h2>
        <Card className="space-y-4 p-4 sm:p-5">
          <YamlEditor
            label="Policy YAML"
            value={draft}
            onChange={(value) => {
              setDraft(value);
              if (check.state === 'valid' || check.state === 'failed') setCheck({ state: 'unchecked' });
            }}
            problemLines={problemLines}
            describedBy={problems.length > 0 ? problemsId : undefined}
            textareaRef={textareaRef}
          />

          {check.state === 'invalid' && <PolicyProblems id={problemsId} problems={problems} onGoToLine={goToLine} />}
          {check.state === 'valid' && check.text === draft && (
            <Alert tone="success" title="No problems found">
              It would be accepted as it stands: save it, or try it in a dry run first.
            </Alert>
          )}
          {check.state === 'failed' && (
            <Alert tone="danger" title="The document could not be checked">
              {check.message}
            </Alert>
          )}

          <div className="flex flex-col-reverse gap-2 border-t border-slate-100 pt-4 sm:flex-row sm:items-center sm:justify-end">
            {inForce && dirty && (
              <Button
                variant="ghost"
                onClick={() => {
                  setDraft(inForce.yaml);
                  setCheck({ state: 'unchecked' });
                }}
                disabled={checking !== null}
              >
                Discard changes
              </Button>
            )}
            <Button
              variant="secondary"
              onClick={() => void validate('check')}
              loading={checking === 'check'}
              disabled={checking !== null}
            >
              {checking === 'check' ? 'Checking…' : 'Check'}
            </Button>
            <Button
              onClick={() => void startSave()}
              loading={checking === 'save'}
              disabled={checking !== null || !dirty}
            >
              {checking === 'save' ? 'Checking…' : inForce ? 'Save…' : 'Create…'}
            </Button>
          </div>
          {!dirty && (
            <p className="text-right text-xs text-slate-500">No changes to save: this is version {inForce?.version}.</p>
          )}
        </Card>
      </section>

      <section aria-labelledby="policy-dry-run" className="space-y-4">
        <div>
          <h2 id="policy-dry-run" className="text-lg font-semibold text-slate-950">
            Dry run
          </h2>
          <p className="mt-1 max-w-2xl text-sm leading-6 text-slate-600">
            What the text in the editor would decide, unsaved, beside what the documents in force decide now: for calls
            you describe, and for the calls recorded over a recent window.
          </p>
        </div>
        <DryRunPanel
          endpoints={endpoints}
          yaml={draft}
          defaultTenantId={defaultTenantId}
          products={products}
          timeZone={timeZone}
          onProblems={showProblems}
        />
      </section>

      <section aria-labelledby="policy-history" className="space-y-4">
        <h2 id="policy-history" className="text-lg font-semibold text-slate-950">
          Version history
        </h2>
        <VersionHistory
          versions={policy?.versions ?? []}
          activeVersion={policy?.activeVersion ?? null}
          inForceYaml={inForce?.yaml ?? null}
          endpoints={endpoints}
          timeZone={timeZone}
          onRollback={setRollbackTo}
        />
      </section>

      <SavePolicyDialog
        open={saving}
        endpoints={endpoints}
        yaml={draft}
        inForce={inForce}
        onClose={() => setSaving(false)}
        onSaved={(result) => changed(result, inForce ? 'Saved' : 'Created')}
        onProblems={(found) => {
          setSaving(false);
          showProblems(found);
        }}
      />
      <RollbackPolicyDialog
        version={rollbackTo}
        activeVersion={policy?.activeVersion ?? null}
        endpoints={endpoints}
        onClose={() => setRollbackTo(null)}
        onDone={(result) => changed(result, `Rolled back to version ${rollbackTo}`)}
      />
    </div>
  );
}
