import { type DenyListRule, type PiiEntityDecision, piiDecision, piiEntitiesOf, type PiiRule } from '../../policies';
import type { PiiEntity } from '../pii/pii-entity';

/** The output rule names as reports show them. */
export type AnswerRuleName = 'pii.output' | 'denyList.output';

/** What was done with one finding in an answer: `monitor` only reports what a monitored rule would have done. */
export type AnswerAction = 'block' | 'redact' | 'log' | 'monitor';

/**
 * One rule firing on one finding of an answer: the rule, the entity (PII) and the document it comes from, never
 * the text it matched.
 */
export interface AnswerRuleFiring {
  rule: AnswerRuleName;
  /** The PII entity; null for a deny list match. */
  entity: PiiEntity | null;
  action: AnswerAction;
  /** The policy document's name (`global`, `tenant:<id>`). */
  policy: string;
}

/**
 * The `pii.output` and `denyList.output` rules of one effective policy, ready for the answer guards: the entities
 * to look for and each entity's settled decision, worked out once rather than per finding.
 */
export class AnswerRules {
  /** Every entity some `pii.output` rule names (monitored ones included: they are reported). */
  readonly entities: readonly PiiEntity[];
  readonly #decisions = new Map<PiiEntity, PiiEntityDecision>();

  constructor(
    readonly pii: readonly PiiRule[],
    readonly denyLists: readonly DenyListRule[],
  ) {
    this.entities = piiEntitiesOf(pii);
    for (const entity of this.entities) this.#decisions.set(entity, piiDecision(pii, entity));
  }

  /** True when no rule applies: an answer needs no guard for them (a restore alone may still need one). */
  get isEmpty(): boolean {
    return this.entities.length === 0 && this.denyLists.length === 0;
  }

  /** The settled decision for an entity across the scopes (stricter wins, monitor only reports). */
  decisionFor(entity: PiiEntity): PiiEntityDecision {
    return this.#decisions.get(entity) ?? { act: null, monitored: [] };
  }
}
