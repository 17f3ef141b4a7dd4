import { type InjectionSignal, signalForWords } from '../injection-signal';
import { type ScannedText, type Token } from '../text/scanned-text';
import { registerAnchorWords } from '../text/scanned-text';
import { WordPatterns } from '../text/word-patterns';

/**
 * Jailbreak role-play: the text casts the model as a persona that has no rules ("pretend you are DAN", "act as an
 * unfiltered AI", "developer mode enabled", "your filters are off"). Ordinary role-play ("pretend you are a pirate",
 * "you are now a travel agent") has no such clause and does not match; "developer mode" counts only near words about
 * a model's rules, so "enable developer mode on Android" stays clean.
 */
const SETS = {
  LIMITS:
    'restrictions restriction limits limitations rules filters filter guidelines ethics morals compass policy ' +
    'policies censorship safety boundaries constraints restraints guardrails principles confines scruples',
  LIMIT_QUALIFIER: 'of from moral ethical content safety all any the typical usual',
  UNBOUND_ADJECTIVE:
    'unrestricted unfiltered uncensored unlocked unbound unbounded jailbroken amoral unethical unchained unleashed ' +
    'limitless evil rogue immoral lawless',
  PERSONA_NOUN:
    'ai model assistant version mode bot alter chatbot gpt llm persona character self twin entity system machine',
  SAFETY_NOUN:
    'filters filter restrictions safety guardrails safeguards censorship moderation limits limitations training ethics',
  SAFETY_BETWEEN: 'your all the any content safety moral ethical of these my',
  STATE_WORDS: 'are is were was been have has now all hereby temporarily completely fully being',
  OFF: 'disabled off removed lifted deactivated suspended bypassed gone',
  MODE_FEATURE: 'developer dev debug maintenance admin sudo root',
  MODE_JAILBREAK: 'god jailbreak jailbroken dan evil unrestricted unfiltered uncensored chaos opposite anarchy',
  NAMED_JAILBREAK: 'betterdan antigpt evilbot devmode dude stan ucar mongo aim kevin',
} as const;

type PersonaKind =
  | 'no-limits'
  | 'unbound-persona'
  | 'not-bound'
  | 'refusal-suppression'
  | 'safety-off'
  | 'disable-safety'
  | 'feature-mode'
  | 'jailbreak-mode'
  | 'do-anything-now'
  | 'stay-in-character';

const PATTERNS = new WordPatterns<PersonaKind>(
  {
    'no-limits': 'no|without|zero|free|devoid|beyond|ignoring [@LIMIT_QUALIFIER]{0,3} @LIMITS',
    'unbound-persona': '@UNBOUND_ADJECTIVE [ai|language|chat]? @PERSONA_NOUN',
    'not-bound': [
      'not|never|longer bound|restricted|constrained|governed|beholden|tied|held|limited by',
      'not|never|longer subject to [any|the|your]{0,2} @LIMITS',
      "not|never|don't|dont|doesn't|doesnt [have|has|to|need|needs|required|obliged]{0,3} abide|follow|obey|comply|adhere [by|with|to]? [any|the|your|its|openai's|their]{0,2} @LIMITS",
    ],
    'refusal-suppression': [
      'never|cannot|not refuses|refuse|decline|declines',
      "don't|dont|won't|wont|can't|cant refuse|decline",
      'without|no refusing|refusals|refusal|warnings|disclaimers|moralizing|moralising|censorship',
      'no matter how unethical|illegal|harmful|dangerous|immoral|offensive|inappropriate',
    ],
    'safety-off': ['@SAFETY_NOUN [@STATE_WORDS]{0,3} @OFF', '@SAFETY_NOUN [@STATE_WORDS]{0,3} turned|switched off'],
    'disable-safety': 'disable|deactivate|remove|lift|suspend|bypass|circumvent [@SAFETY_BETWEEN]{0,3} @SAFETY_NOUN',
    'feature-mode': '@MODE_FEATURE mode',
    'jailbreak-mode': '@MODE_JAILBREAK mode',
    'do-anything-now': 'do anything now',
    'stay-in-character': "stay|staying|remain|don't|dont|never in|break character",
  },
  SETS,
);

const WEIGHTS: Record<PersonaKind, number> = {
  'no-limits': 0.45,
  'unbound-persona': 0.4,
  'not-bound': 0.7,
  'refusal-suppression': 0.45,
  'safety-off': 0.55,
  'disable-safety': 0.35,
  'feature-mode': 0.15,
  'jailbreak-mode': 0.7,
  'do-anything-now': 0.85,
  'stay-in-character': 0.25,
};

/** Words that show a "mode" or a lifted limit is about a model, not a phone or a router. */
const MODEL_CONTEXT = new Set(
  (
    'ai chatgpt gpt llm assistant model refuse refusing refusal refusals restrictions restricted policies policy ' +
    'filters uncensored censored censorship content rules guidelines openai anthropic claude ethics jailbreak'
  ).split(' '),
);
const SCOPING = new Set(['on', 'for', 'regarding', 'about', 'around', 'over']);
/** Words that cast the model in a role. */
const PERSONA_CUES = new Set(
  'pretend pretending roleplay role act acting simulate simulating imagine become behave persona character'.split(' '),
);
/** Jailbreak personas written in capitals (DAN, STAN), counted as a persona only after a role cue. */
const CAPITAL_NAMES = new Set(['dan', 'stan', 'dude', 'aim', 'ucar', 'kevin']);
const NAME_CUES = new Set([...PERSONA_CUES, 'as', 'be', 'called', 'named', 'are', "you're", 'hi', 'hello', 'dear']);
const NAMED_JAILBREAK = new Set(SETS.NAMED_JAILBREAK.split(' ').filter((name) => !CAPITAL_NAMES.has(name)));

export function jailbreakPersonaSignals(scanned: ScannedText): InjectionSignal[] {
  const { tokens } = scanned;
  const signals: InjectionSignal[] = [];
  let castCache: boolean | undefined;
  const cast = () => (castCache ??= tokens.some((token) => PERSONA_CUES.has(token.text)) || hasYouAre(tokens));
  for (const match of PATTERNS.find(scanned)) {
    let weight = WEIGHTS[match.key];
    if (match.key === 'feature-mode' || match.key === 'safety-off' || match.key === 'disable-safety') {
      if (nearby(tokens, match.first, match.end, 12, MODEL_CONTEXT)) weight = 0.7;
    } else if (match.key === 'no-limits' || match.key === 'unbound-persona') {
      // "no restrictions" is everyday English; it is a jailbreak when the model is being cast or is the subject,
      // and the limits are the model's own, not limits on something ("no restrictions on length").
      const scoped = match.key === 'no-limits' && SCOPING.has(tokens[match.end]?.text ?? '');
      if (!scoped && (cast() || nearby(tokens, match.first, match.end, 6, MODEL_CONTEXT))) weight += 0.3;
    } else if (match.key === 'refusal-suppression' && cast()) {
      weight += 0.2;
    }
    signals.push(signalForWords(scanned, 'jailbreak-persona', Math.min(weight, 0.9), match));
  }
  signals.push(...namedPersonaSignals(scanned));
  return signals;
}

registerAnchorWords([...NAMED_JAILBREAK, ...CAPITAL_NAMES, 'jailbreak']);

function namedPersonaSignals(scanned: ScannedText): InjectionSignal[] {
  const { tokens, original } = scanned;
  const signals: InjectionSignal[] = [];
  for (const i of scanned.anchors) {
    if (signals.length >= 8) break;
    const word = tokens[i]?.text ?? '';
    if (NAMED_JAILBREAK.has(word)) {
      signals.push(signalForWords(scanned, 'jailbreak-persona', 0.6, { first: i, end: i + 1 }));
    } else if (CAPITAL_NAMES.has(word)) {
      const span = signalForWords(scanned, 'jailbreak-persona', 0, { first: i, end: i + 1 });
      const written = original.slice(span.start, span.end);
      if (written !== written.toUpperCase()) continue;
      const cued = tokens.slice(Math.max(0, i - 5), i).some((token) => NAME_CUES.has(token.text));
      const vocative = tokens[i + 1]?.text === ':' || original[span.end] === ',';
      signals.push({ ...span, weight: cued || vocative ? 0.8 : 0.25 });
    } else if (word === 'jailbreak' && tokens[i + 1]?.text === ':') {
      signals.push(signalForWords(scanned, 'jailbreak-persona', 0.6, { first: i, end: i + 2 }));
    }
  }
  return signals;
}

function hasYouAre(tokens: readonly Token[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i += 1) {
    const word = tokens[i]?.text;
    const next = tokens[i + 1]?.text;
    if (word === "you're" || (word === 'you' && (next === 'are' || next === 'will'))) return true;
  }
  return false;
}

function nearby(tokens: readonly Token[], first: number, end: number, radius: number, words: Set<string>): boolean {
  const from = Math.max(0, first - radius);
  const to = Math.min(tokens.length, end + radius);
  for (let i = from; i < to; i += 1) if (i < first || i >= end ? words.has(tokens[i]?.text ?? '') : false) return true;
  return false;
}
