import { type InjectionSignal, signalForFolded, signalForWords } from '../injection-signal';
import { type ScannedText, type Token } from '../text/scanned-text';
import { SHARED_WORD_SETS } from '../text/word-sets';
import { WordPatterns } from '../text/word-patterns';

/**
 * Instruction override: the text tells the model to drop what it was told before ("ignore all previous
 * instructions", "your new task is", "system override"), the most common injection there is. The phrase needs both
 * halves, a discarding verb and the model's instructions as its object, qualified as earlier or as the model's own,
 * so "ignore the noise in this data" and "the previous instructions in the README say" do not match. A match is
 * discounted when it is negated ("do not ignore"), quoted ("users type 'ignore previous instructions'"), or about
 * the writer's own instructions ("ignore my previous instruction about the format").
 */
const SETS = {
  ...SHARED_WORD_SETS,
  /** Spanish, French, German, Portuguese, Italian, Dutch, Polish, Russian verbs for ignore / forget. */
  DISCARD_INTL:
    'ignora ignore ignorez ignorer ignorar ignoriere ignorieren ignorier ignoreer negeer negeert vergiss vergessen ' +
    'vergeet olvida olvide olvidate esqueca esquecam oublie oubliez oublier dimentica dimenticate ignorate ' +
    'zignoruj ignoruj zapomnij игнорируй игнорируйте игнорировать забудь забудьте missachte missachten ' +
    'desconsidere desconsidera omite descarta desestima',
  PRIOR_INTL:
    'anteriores anterior previas previos precedentes precedente vorherigen vorigen bisherigen obigen fruheren ' +
    'ursprunglichen precedenti anteriori sopra предыдущие предыдущих прежние прошлые вышеуказанные poprzednie ' +
    'wczesniejsze voorgaande vorige eerdere bovenstaande acima initiales iniciales originales iniziali dessus',
  DIRECTIVE_INTL:
    'instrucciones instruccion instructions consignes instrucoes istruzioni anweisungen anweisung regeln vorgaben ' +
    'reglas regras regles regole инструкции инструкций указания правила instrukcje instrukcji polecenia ' +
    'instructies regels directives indicaciones',
  FILLER_INTL:
    'todas todos las los les toutes tous alle die der den tutte le as os tus tes vos deine ihre sie sus suas tue ' +
    'все свои mes wszystkie el la de des di del dei delle ci',
  VOID:
    'void cancelled canceled revoked outdated obsolete invalid lifted overridden null removed deprecated replaced ' +
    'superseded suspended disabled rescinded irrelevant expired terminated',
  /** What "... are now void" must be about to count: a model's instructions, not an agency's guidelines. */
  VOID_OBJECT: 'instructions instruction directives directive prompt prompts programming constraints commands orders',
  TASK: 'task tasks goal job instructions instruction directive directives objective purpose mission orders rules',
} as const;

type OverrideKind =
  'discard' | 'divert' | 'discard-intl' | 'not-follow' | 'void' | 'new-task' | 'system-override' | 'no-longer';

const PATTERNS = new WordPatterns<OverrideKind>(
  {
    discard: [
      '@DISCARD [@FILLER]{0,3} @PRIOR [@FILLER|@PRIOR]{0,3} @DIRECTIVE',
      '@DISCARD [@FILLER]{0,2} your|ur [@FILLER|@PRIOR]{0,3} @DIRECTIVE',
      // A forged assistant turn speaks of its own rules: "I will now ignore my guidelines".
      '@DISCARD [@FILLER]{0,2} my|our [@PRIOR]{0,2} guidelines|programming|restrictions|policies|safeguards|guardrails|filters|training|principles|conditioning|safety',
      "@DISCARD [@FILLER]{0,3} @DIRECTIVE above|before|previously|earlier|you|you've|given|received|so",
      '@DISCARD [@FILLER]{0,2} *{0,1} @DIRECTIVE above|previously',
      '@DISCARD [@FILLER]{0,3} @DIRECTIVE [that|which]? set|given|provided|written|defined|imposed|established [to|for]? by [your|the|its]? @AUTHORITY',
      '@DISCARD everything|anything|all|whatever above|before|prior|previously',
      "@DISCARD everything|anything|all|whatever [that]? you|you've|you're|you'd [been|were|was|have|had|got]{0,2} told|taught|instructed|given|programmed|trained|said|got",
      '@DISCARD everything|anything|all|whatever [that]? came|preceded|precedes before|earlier',
      'pay [no|zero]? attention to [@FILLER]{0,2} @PRIOR [@FILLER|@PRIOR]{0,2} @DIRECTIVE',
    ],
    divert: [
      '@DISCARD [the|this|that|your|above|previous]{0,2} *{0,1} task|assignment|request|question|job [and|then]? instead',
      // The classic "Ignore the above and say ...".
      '@DISCARD [the|all|everything]{0,2} above|previous|prior and|then',
    ],
    'discard-intl': [
      '@DISCARD_INTL [@FILLER_INTL]{0,3} @PRIOR_INTL [@FILLER_INTL]{0,1} @DIRECTIVE_INTL',
      '@DISCARD_INTL [@FILLER_INTL]{0,3} @DIRECTIVE_INTL [@FILLER_INTL]{0,1} @PRIOR_INTL',
      'compte [@FILLER_INTL]{0,2} @DIRECTIVE_INTL [@FILLER_INTL]{0,1} @PRIOR_INTL',
      'omiso [a|de]? [@FILLER_INTL]{0,2} @DIRECTIVE_INTL',
    ],
    'not-follow': [
      'do not follow|obey [@FILLER]{0,3} @PRIOR|your [@FILLER|@PRIOR]{0,2} @DIRECTIVE',
      "don't|dont|stop|quit|cease|never follow|following|obey|obeying [@FILLER]{0,3} @PRIOR|your [@FILLER|@PRIOR]{0,2} @DIRECTIVE",
    ],
    void: [
      '@PRIOR [@FILLER|@PRIOR]{0,2} @VOID_OBJECT [are|is|have|has|been|were|now|hereby|all|officially]{0,3} @VOID',
      'your [@FILLER|@PRIOR]{0,2} @DIRECTIVE [are|is|have|has|been|were|now|hereby|all]{0,3} @VOID',
    ],
    'new-task': [
      'new|updated|revised|real|actual|true|changed @TASK :',
      'your new|real|only|actual|true|sole|primary @TASK [now|from|here|on]{0,3} is|are|:',
    ],
    'system-override': [
      'system|admin|administrator|developer|root|security|emergency|safety|master override|overrides|overridden',
      'override mode|engaged|activated|enabled|accepted|confirmed|authorized',
    ],
    'no-longer': [
      'you are no longer',
      "you're|youre no longer",
      'no longer apply|applies|applicable|count|counts|matter|matters|valid|stands|stand|binding|relevant',
      'count|counts|apply|applies|matter|matters|valid anymore',
    ],
  },
  SETS,
);

const WEIGHTS: Record<OverrideKind, number> = {
  discard: 0.85,
  divert: 0.6,
  'discard-intl': 0.85,
  'not-follow': 0.8,
  void: 0.8,
  'new-task': 0.5,
  'system-override': 0.7,
  'no-longer': 0.55,
};

/** Words that make an override about the writer's own earlier request rather than the model's instructions. */
const OWN = new Set(['my', 'mine', 'our', 'i', "i've", 'we', "we've"]);
/** What a user gives a model and may take back ("forget my previous instructions"); a model's rules are not that. */
const USER_GIVEN = new Set([
  'instructions',
  'instruction',
  'prompt',
  'prompts',
  'context',
  'directions',
  'request',
  'task',
]);
const NEGATION = new Set([
  'not',
  'never',
  "don't",
  'dont',
  "doesn't",
  "didn't",
  "shouldn't",
  "won't",
  'cannot',
  "can't",
]);
const QUOTES = new Set(['"', "'", '`']);
/** Nouns that make "X no longer applies" about instructions. */
const INSTRUCTION_NOUNS = new Set([
  ...SHARED_WORD_SETS.DIRECTIVE.split(' '),
  'instructed',
  'told',
  'said',
  'setup',
  'guidance',
]);

export function instructionOverrideSignals(scanned: ScannedText): InjectionSignal[] {
  const signals: InjectionSignal[] = [];
  const { tokens } = scanned;
  for (const match of PATTERNS.find(scanned)) {
    let weight = WEIGHTS[match.key];
    const first = tokens[match.first];
    const last = tokens[match.end - 1];
    if (first === undefined || last === undefined) continue;
    if (match.key === 'no-longer' && first.text !== 'you' && first.text !== "you're") {
      // "no longer applies" counts only when what no longer applies is instructions.
      const before = tokens.slice(Math.max(0, match.first - 8), match.first);
      if (!before.some((token) => INSTRUCTION_NOUNS.has(token.text))) continue;
      weight = 0.7;
    }
    const words = tokens.slice(match.first, match.end);
    // "Forget the previous context" is how people start a new topic; it needs more than that to count fully.
    if (words[words.length - 1]?.text === 'context') weight = Math.min(weight, 0.45);
    // "Disregard the previous instructions from the HR memo": instructions that belong to a named document.
    if (match.key === 'discard' && belongsToDocument(tokens, match.end)) weight *= 0.4;
    const following = tokens.slice(match.end, match.end + 2).map((token) => token.text);
    const ownWords = words.some((token) => OWN.has(token.text)) || (following[0] === 'i' && following[1] !== undefined);
    if (ownWords && words.some((token) => USER_GIVEN.has(token.text))) {
      weight *= 0.3;
    }
    if (NEGATION.has(tokens[match.first - 1]?.text ?? '') && match.key !== 'not-follow') weight *= 0.25;
    if (isQuoted(scanned.folded, first.start, last.end)) weight *= 0.35;
    if (match.key === 'system-override' && !adjacent(scanned.folded, first, last)) {
      continue;
    }
    signals.push(signalForWords(scanned, 'instruction-override', weight, match));
  }
  signals.push(...cjkOverrideSignals(scanned));
  return signals;
}

/** Where instructions may come from and still be the model's: "ignore the previous instructions in this chat". */
const MODEL_PLACES = new Set(
  'conversation chat prompt message messages session context system thread window developers developer admin'.split(
    ' ',
  ),
);

function belongsToDocument(tokens: readonly Token[], end: number): boolean {
  const preposition = tokens[end]?.text;
  if (preposition !== 'from' && preposition !== 'in' && preposition !== 'of' && preposition !== 'on') return false;
  let next = end + 1;
  if (['the', 'this', 'that', 'my', 'our', 'your', 'a', 'an'].includes(tokens[next]?.text ?? '')) next += 1;
  const owner = tokens[next]?.text;
  return owner !== undefined && owner !== ':' && !MODEL_PLACES.has(owner);
}

/** Two words written next to each other: `system override`, not `[system] override`. */
function adjacent(folded: string, first: Token, last: Token): boolean {
  return /^[\s:]*$/.test(folded.slice(first.end, last.start));
}

/** A phrase quoted as a whole: a quote right before its first word and right after its last. */
function isQuoted(folded: string, start: number, end: number): boolean {
  return QUOTES.has(folded[start - 1] ?? '') && QUOTES.has(folded[end] ?? '');
}

/**
 * Chinese, Japanese and Korean are written without spaces, so they have no words to match: a discarding verb is
 * found with indexOf, and the phrase counts when instructions and an "earlier / all" qualifier are within a few
 * characters of it.
 */
const CJK_RULES: { verbs: string[]; objects: string[]; qualifiers: string[]; window: number }[] = [
  {
    verbs: ['忽略', '无视', '忘记', '忘掉', '不要理会', '跳过', '忽視', '無視'],
    objects: ['指令', '指示', '说明', '規則', '规则', '提示', '设定', '要求', '命令', 'ルール', 'プロンプト'],
    qualifiers: [
      '之前',
      '以上',
      '上面',
      '前面',
      '先前',
      '所有',
      '原来',
      '原有',
      '以前',
      'これまで',
      '上記',
      '前の',
      'すべて',
      '全て',
    ],
    window: 14,
  },
  {
    verbs: ['무시'],
    objects: ['지시', '명령', '지침', '규칙'],
    qualifiers: ['이전', '위의', '모든', '앞의'],
    window: 14,
  },
];

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

function cjkOverrideSignals(scanned: ScannedText): InjectionSignal[] {
  const { folded } = scanned;
  if (!CJK.test(folded)) return [];
  const signals: InjectionSignal[] = [];
  for (const rule of CJK_RULES) {
    for (const verb of rule.verbs) {
      for (let at = folded.indexOf(verb); at >= 0 && signals.length < 8; at = folded.indexOf(verb, at + verb.length)) {
        const from = Math.max(0, at - rule.window);
        const to = Math.min(folded.length, at + verb.length + rule.window);
        const around = folded.slice(from, to);
        if (
          rule.objects.some((word) => around.includes(word)) &&
          rule.qualifiers.some((word) => around.includes(word))
        ) {
          signals.push(signalForFolded(scanned, 'instruction-override', 0.85, from, to));
        }
      }
    }
  }
  return signals;
}
