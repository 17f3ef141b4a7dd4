import {
  type PolicyProblemResponse,
  type PolicyResponse,
  type PolicySummaryResponse,
  type PolicyVersionDetailResponse,
  type PolicyVersionResponse,
} from '@gatehouse/contracts';
import { type Policy, type PolicyMode, type PolicyVersionEntry, type PolicyWithActive } from '@gatehouse/db';
import { type PolicyDocument, type PolicyProblem } from '@gatehouse/domain';

export function toPolicySummary(policy: PolicyWithActive): PolicySummaryResponse {
  return {
    name: policy.name,
    activeVersion: policy.activeVersion,
    mode: policy.activeMode === null ? null : modeOf(policy.activeMode),
    updatedAt: policy.updatedAt.toISOString(),
  };
}

/** `versions` newest first, as the repository gives them. */
export function toPolicyResponse(policy: Policy, versions: PolicyVersionEntry[]): PolicyResponse {
  const active = versions.find((version) => version.version === policy.activeVersion);
  return {
    name: policy.name,
    activeVersion: policy.activeVersion,
    yaml: active?.yaml ?? null,
    versions: versions.map(toPolicyVersion),
  };
}

function toPolicyVersion(version: PolicyVersionEntry): PolicyVersionResponse {
  return {
    version: version.version,
    createdAt: version.createdAt.toISOString(),
    createdBy: version.createdBy,
    message: version.message,
  };
}

export function toPolicyVersionDetail(version: PolicyVersionEntry): PolicyVersionDetailResponse {
  return { ...toPolicyVersion(version), mode: modeOf(version.mode), yaml: version.yaml };
}

export function toPolicyProblem(problem: PolicyProblem): PolicyProblemResponse {
  return { field: problem.field, reason: problem.reason, line: problem.line };
}

export function modeOf(mode: PolicyMode): PolicyDocument['mode'] {
  return mode === 'MONITOR' ? 'monitor' : 'enforce';
}

export function modeColumn(mode: PolicyDocument['mode']): PolicyMode {
  return mode === 'monitor' ? 'MONITOR' : 'ENFORCE';
}
