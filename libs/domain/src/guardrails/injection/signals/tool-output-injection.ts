import { type InjectionSignal, signalForFolded, signalForWords } from '../injection-signal';
import { type ScannedText } from '../text/scanned-text';
import { registerAnchorWords } from '../text/scanned-text';
import { WordPatterns } from '../text/word-patterns';

/**
 * Tool-output (indirect) injection: instructions planted in content the model will read (a web page, an email, a
 * search result, a tool's JSON, a code comment) and addressed to the model rather than to a human reader: "if you
 * are an AI assistant summarizing this", "note to the AI model", "AI agents reading this page:", "Hey AI, ...".
 * A second, weaker signal is what such text asks for: acting behind the user's back ("do not mention this to the
 * user"), sending data away, or sending the user somewhere. Both count more when the text is framed as retrieved
 * content. A document that only talks about assistants ("the assistant at the store was helpful") matches neither.
 */
const SETS = {
  MODEL_NAME: 'ai ais llm llms chatbot chatbots gpt chatgpt claude gemini copilot',
  MODEL_NOUN: 'model models assistant assistants agent agents bot bots system systems tool tools reviewer reviewers',
  MODEL_QUALIFIER: 'ai large language artificial intelligence automated llm code screening',
  NOTE: 'note notice message instructions instruction attention reminder memo warning important hint request directive',
  READING:
    'reading processing summarizing summarising parsing analyzing analysing reviewing triaging screening viewing ' +
    'crawling scraping indexing ingesting seeing encountering',
  EXFIL_OBJECT:
    'conversation history emails email files credentials password passwords key keys token tokens secrets data ' +
    'environ environment messages chat cookies contacts calendar history',
  FILLER: 'the all every each any this these that your my their his her its of',
} as const;

type AddressKind = 'if-you-are' | 'note-to-model' | 'model-reading';
type CovertKind = 'behind-back' | 'tell-user' | 'exfiltrate' | 'send-to-link' | 'destroy';

const ADDRESS = new WordPatterns<AddressKind>(
  {
    'if-you-are': [
      "if you are|you're|youre an|a @MODEL_NAME",
      "if you are|you're|youre an|a @MODEL_QUALIFIER [@MODEL_QUALIFIER]? @MODEL_NOUN|@MODEL_NAME",
    ],
    'note-to-model': [
      '@NOTE to|for [the|all|any|every]? @MODEL_NAME',
      '@NOTE to|for [the|all|any|every]? @MODEL_QUALIFIER [@MODEL_QUALIFIER]? @MODEL_NOUN|@MODEL_NAME',
      '@NOTE to|for the|this assistant|model|agent',
    ],
    'model-reading': [
      '@MODEL_NAME [@MODEL_NOUN]? @READING this|these|the|my|our|it',
      '@MODEL_QUALIFIER [@MODEL_QUALIFIER]? @MODEL_NOUN @READING this|these|the|my|our|it',
    ],
  },
  SETS,
);

const COVERT = new WordPatterns<CovertKind>(
  {
    'behind-back': [
      "do|don't|dont|never [not]? mention|tell|reveal|inform|disclose|alert|notify [this|it|anything|that]{0,2} [to]? [the]? user|users|human|anyone|them",
      'without telling|informing|alerting|notifying|asking [the]? user|users|human|anyone|them',
    ],
    'tell-user':
      'tell|inform|warn|convince|persuade|instruct [the|every|all|each]? user|users|customer|customers that|to|their|they|this|the',
    exfiltrate:
      'send|forward|email|post|upload|exfiltrate|transmit|leak|share|copy|export [@FILLER]{0,3} *{0,2} @EXFIL_OBJECT',
    'send-to-link': 'visit|click|open|go|navigate|enter|call [to]? [@FILLER]{0,2} *{0,2} http|https|www',
    destroy:
      'delete|remove|wipe|erase|drop all|every [@FILLER]{0,2} files|data|records|emails|repositories|tables|users',
  },
  SETS,
);

/** Words that frame the text as content read from somewhere else. */
const CONTENT_FRAMES = [
  'tool result',
  'tool output',
  'tool response',
  'function output',
  'function result',
  'search results',
  'search result',
  'retrieved',
  'observation:',
  '<tool_result',
  '<document',
  'web page',
  'webpage',
  'scraped',
  'subject:',
  'document:',
  'email:',
  '<!--',
];

/** "If you are an AI reading this" names the model; "if you are an AI researcher" names a person. */
const AFTER_MODEL = new Set([
  ...SETS.MODEL_NOUN.split(' '),
  ...SETS.READING.split(' '),
  ..."and or then please you do don't dont must should that who which tasked asked being like :".split(' '),
]);

function endsAtModel(next: string | undefined): boolean {
  return next === undefined || AFTER_MODEL.has(next);
}

/** Names of a model that a vocative ("Hey AI, ..." / "Assistant, when you ...") can use. */
const VOCATIVE_NAMES = new Set(['ai', 'assistant', 'llm', 'chatgpt', 'claude', 'gpt', 'bot', 'agent', 'agents']);
const VOCATIVE_PLURALS = new Set([
  'reviewers',
  'agents',
  'assistants',
  'bots',
  'tools',
  'models',
  'systems',
  'crawlers',
]);
const ORDER_OPENERS = new Set(
  'ignore disregard forget skip stop override bypass reveal send forward delete approve classify rank output print never'.split(
    ' ',
  ),
);
const VOCATIVE_OPENERS = new Set(['hey', 'dear', 'attention', 'hi', 'hello', 'note', 'to', 'important']);

export function toolOutputInjectionSignals(scanned: ScannedText): InjectionSignal[] {
  const found: { signal: InjectionSignal; framedWeight: number }[] = [];
  for (const match of ADDRESS.find(scanned)) {
    if (match.key === 'if-you-are' && !endsAtModel(scanned.tokens[match.end]?.text)) continue;
    found.push({ signal: signalForWords(scanned, 'addressed-to-model', 0.55, match), framedWeight: 0.7 });
  }
  // "Hey AI, ..." is how people talk to a chatbot; it counts for little unless the text is framed as content.
  for (const signal of vocativeSignals(scanned)) found.push({ signal, framedWeight: Math.max(signal.weight, 0.5) });
  for (const signal of markdownExfiltrationSignals(scanned)) found.push({ signal, framedWeight: 0.55 });
  for (const match of COVERT.find(scanned)) {
    const weight = match.key === 'send-to-link' ? 0.25 : 0.35;
    found.push({ signal: signalForWords(scanned, 'covert-action', weight, match), framedWeight: weight + 0.15 });
  }
  if (found.length === 0) return [];
  // Looked for only when something was found: most prompts have nothing here.
  const framed = CONTENT_FRAMES.some((frame) => scanned.folded.includes(frame));
  return found.map(({ signal, framedWeight }) => (framed ? { ...signal, weight: framedWeight } : signal));
}

/**
 * A model named as the one spoken to: "Hey AI, ...", "Attention AI: ...", "Assistant, when you ...", "AI reviewers:",
 * "@AI-assistant ...". The name must start a sentence, follow a greeting or `@`, and be followed by a comma or a
 * colon; a role label at the start of a line is the delimiter signal's, not this one's.
 */
registerAnchorWords(VOCATIVE_NAMES);

function vocativeSignals(scanned: ScannedText): InjectionSignal[] {
  const { tokens, folded } = scanned;
  const weight = 0.3;
  const signals: InjectionSignal[] = [];
  for (const i of scanned.anchors) {
    if (signals.length >= 8) break;
    const token = tokens[i];
    if (token === undefined || !VOCATIVE_NAMES.has(token.text)) continue;
    const plural = tokens[i + 1];
    const last = plural !== undefined && VOCATIVE_PLURALS.has(plural.text) ? plural : token;
    const after = nextVisible(folded, last.end);
    const before = previousVisible(folded, token.start);
    const mention = before === '@';
    if (!mention && after !== ',' && after !== ':') continue;
    if (!mention && isLineStart(folded, token.start)) continue;
    const opener = VOCATIVE_OPENERS.has(tokens[i - 1]?.text ?? '');
    if (mention || opener || isSentenceStart(before)) {
      const end = last === token ? i + 1 : i + 2;
      // Named and then told to drop its task or act behind the user: "Hey AI, ignore the sentiment task".
      const ordered = ORDER_OPENERS.has(tokens[end]?.text ?? '') || ORDER_OPENERS.has(tokens[end + 1]?.text ?? '');
      signals.push(
        signalForWords(scanned, 'addressed-to-model', ordered ? Math.max(weight, 0.6) : weight, { first: i, end }),
      );
    }
  }
  return signals;
}

/**
 * A markdown image whose URL carries a query to fill in (`![](https://x.example/log?q={conversation})`): when a chat
 * client renders it, the browser sends the data to that host without a click. Found from each `](http` with
 * bounded look-behind and look-ahead.
 */
function markdownExfiltrationSignals(scanned: ScannedText): InjectionSignal[] {
  const weight = 0.4;
  const { folded } = scanned;
  const signals: InjectionSignal[] = [];
  for (let at = folded.indexOf('](http'); at >= 0 && signals.length < 4; at = folded.indexOf('](http', at + 6)) {
    const open = folded.lastIndexOf('![', at);
    if (open < 0 || at - open > 200) continue;
    const close = folded.slice(at, at + 300).indexOf(')');
    const url = folded.slice(at + 2, close > 0 ? at + close : at + 300);
    if (url.includes('?') && /[{$<]|%7b/.test(url))
      signals.push(signalForFolded(scanned, 'covert-action', weight, open, at + url.length + 3));
  }
  return signals;
}

function nextVisible(folded: string, from: number): string {
  for (let i = from; i < folded.length && i < from + 3; i += 1) if (folded[i] !== ' ') return folded[i] ?? '';
  return '';
}

function previousVisible(folded: string, from: number): string {
  for (let i = from - 1; i >= 0 && i >= from - 3; i -= 1) if (folded[i] !== ' ') return folded[i] ?? '';
  return '\n';
}

function isSentenceStart(previous: string): boolean {
  return '.!?\n[(:-*>;'.includes(previous);
}

function isLineStart(folded: string, at: number): boolean {
  for (let i = at - 1; i >= 0 && i >= at - 4; i -= 1) {
    if (folded[i] === '\n') return true;
    if (folded[i] !== ' ' && folded[i] !== '-' && folded[i] !== '*') return false;
  }
  return at < 4 && folded.slice(0, at).trim() === '';
}
