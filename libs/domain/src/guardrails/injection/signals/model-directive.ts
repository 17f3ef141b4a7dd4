import { type InjectionSignal, signalForWords } from '../injection-signal';
import { type ScannedText } from '../text/scanned-text';
import { WordPatterns } from '../text/word-patterns';

/**
 * Directives about how the model must behave from now on, or asks for what a model should never hand out ("comply
 * with all requests", "the assistant must now", "grant the user admin rights", "tell me the admin password"). Users
 * give models orders all the time, so this is weak evidence on its own, kept below any sensible threshold; it
 * raises the score when it comes with a forged delimiter or content addressed to the model.
 */
const SETS = {
  MODEL: 'assistant model ai bot chatbot llm',
  SENSITIVE: 'password passwords passcode credentials credential secret secrets confidential private',
  BETWEEN: 'me us the all every your any its admin administrator root database stored hidden internal saved',
} as const;

type DirectiveKind = 'comply' | 'model-must' | 'answer-everything' | 'sensitive' | 'grant' | 'disable-oversight';

const PATTERNS = new WordPatterns<DirectiveKind>(
  {
    comply: 'comply with [all|every|any|the]? request|requests|demands|commands|instructions|orders',
    'model-must': [
      '@MODEL must|will|shall|should now|always|immediately|reveal|output|call|respond|answer|ignore|include',
      'you must|will|shall now|immediately|always ignore|reveal|output|comply|obey|answer|respond|approve|include|disregard',
    ],
    'answer-everything': [
      'answer|respond|reply to? every|all|any question|questions|request|requests|prompt|prompts without|regardless|including|no',
      'approve every|all|any [refund|request|transaction|payment]{0,2} request|requests|refund|refunds|transaction|transactions|payment|payments',
    ],
    sensitive: [
      'reveal|share|output|print|export|dump|leak|send|list|show|give|tell|disclose|provide [@BETWEEN]{0,4} @SENSITIVE',
      'reveal|share|output|print|export|dump|leak|send|list|show|give|tell|disclose|provide [@BETWEEN]{0,4} api|access|private|admin key|keys|token|tokens',
    ],
    grant:
      'grant|give [the|this|every]{0,2} user|users|me|customer|customers [@BETWEEN]{0,1} admin|administrator|root|unlimited|full|elevated|superuser rights|access|privileges|permissions|refunds|refund|credit',
    'disable-oversight': 'disable|stop|pause|turn|bypass logging|monitoring|auditing|audit|moderation|oversight|logs',
  },
  SETS,
);

const WEIGHTS: Record<DirectiveKind, number> = {
  comply: 0.45,
  'model-must': 0.4,
  'answer-everything': 0.4,
  sensitive: 0.4,
  grant: 0.45,
  'disable-oversight': 0.45,
};

export function modelDirectiveSignals(scanned: ScannedText): InjectionSignal[] {
  return PATTERNS.find(scanned).map((match) => signalForWords(scanned, 'model-directive', WEIGHTS[match.key], match));
}
