import { type InjectionSignal, signalForFolded, signalForWords } from '../injection-signal';
import { type ScannedText } from '../text/scanned-text';
import { WordPatterns } from '../text/word-patterns';

/**
 * Delimiter and markdown tricks: the text forges the boundaries a chat template puts between roles, so that what
 * follows reads as a system or assistant turn: chat-template tokens (`<|im_start|>`, `[INST]`, `<<SYS>>`), fake role
 * tags (`</system>`, `<admin_instructions>`), role headings (`### SYSTEM`), role labels at the start of a line
 * (`System:`, a fake `Assistant:` turn), a forged role in JSON (`"role": "system"`), and "END OF USER INPUT" style
 * boundaries. Each is moderate on its own (people do ask what `<|endoftext|>` means, and paste XML with a `<system>`
 * element); it is the instructions that follow which make it an attack, and they are scored by the other signals.
 * Everything here is found with indexOf and fixed-size lookups; no regular expression runs over the text.
 */
const TEMPLATE_TOKENS = ['[inst]', '[/inst]', '<<sys>>', '<</sys>>', '<start_of_turn>', '<end_of_turn>'];

const ROLE_TAGS = new Set(
  (
    'system system_prompt system-prompt systemprompt sys instructions instruction admin admin_instructions ' +
    'administrator developer developer_instructions assistant user user_query user_input human ai prompt ' +
    'hidden_instructions secret rules policy override im_start system_message'
  ).split(' '),
);

const HEADING_ROLES = new Set(
  'system instruction instructions admin administrator developer assistant user response human override'.split(' '),
);
const STRONG_LABELS = new Set(['system', 'admin', 'administrator', 'developer', 'root']);
const TURN_LABELS = new Set(['assistant', 'ai', 'gpt', 'chatgpt', 'claude', 'bot', 'model']);

const JSON_ROLE = /^"role"\s{0,3}:\s{0,3}"(system|assistant|developer)"/;

type BoundaryKind = 'end-of-input' | 'begin-system';

const BOUNDARIES = new WordPatterns<BoundaryKind>({
  'end-of-input':
    'end of [the|user|your|original]{0,2} input|prompt|message|context|conversation|instructions|document|query|text|request',
  'begin-system': [
    'begin|beginning|start [of|new|the]{0,2} system|admin|administrator|developer|hidden prompt|instructions|message|mode|override',
    'new system prompt|message|instructions',
  ],
});

export function delimiterInjectionSignals(scanned: ScannedText): InjectionSignal[] {
  const { folded } = scanned;
  const signals: InjectionSignal[] = [];
  const add = (weight: number, start: number, end: number) => {
    if (signals.length < 16) signals.push(signalForFolded(scanned, 'delimiter-injection', weight, start, end));
  };

  // <|im_start|>, <|system|>, <|endoftext|>, <|eot_id|>: any `<|name|>` with a short name.
  // Closing marks are looked for in a short window only, so a text full of `<` costs no more than its length.
  for (let at = folded.indexOf('<|'); at >= 0; at = folded.indexOf('<|', at + 2)) {
    const close = folded.slice(at + 2, at + 32).indexOf('|>');
    if (close > 0 && /^[a-z_]+$/.test(folded.slice(at + 2, at + 2 + close))) add(0.45, at, at + close + 4);
  }
  for (const literal of TEMPLATE_TOKENS) {
    for (let at = folded.indexOf(literal); at >= 0; at = folded.indexOf(literal, at + literal.length)) {
      add(0.45, at, at + literal.length);
    }
  }
  // <system>, </system>, <admin_instructions>: an angle-bracket tag whose name is a role.
  for (let at = folded.indexOf('<'); at >= 0; at = folded.indexOf('<', at + 1)) {
    const close = folded.slice(at + 1, at + 32).indexOf('>');
    if (close < 0) continue;
    const name = folded.slice(at + (folded[at + 1] === '/' ? 2 : 1), at + 1 + close).trim();
    // A tag named by a role, or opening with one (`<instructions for the assistant>`); not `<system.webServer>`.
    const words = name.split(' ');
    if (ROLE_TAGS.has(name) || (words.length <= 5 && ROLE_TAGS.has(words[0] ?? ''))) add(0.45, at, at + close + 2);
  }
  // [SYSTEM], [system note ..., [/SYSTEM], [ADMIN]
  for (let at = folded.indexOf('['); at >= 0; at = folded.indexOf('[', at + 1)) {
    const inner = folded.slice(at + 1, at + 16).replace(/^\//, '');
    const role = /^(system|admin|developer|sys)(\]|:| note| message| override| prompt)/.exec(inner);
    // A role in brackets opens a forged turn when it starts a line or is followed by a colon; `ERROR [system] ...`
    // in a log line is neither.
    const opensTurn =
      role !== null && (role[2] !== ']' || folded[at + 1 + role[0].length] === ':' || startsLine(folded, at));
    if (role && opensTurn) add(0.45, at, at + 1 + role[0].length);
  }
  // {"role": "system", ...}: a forged message in a chat API's JSON.
  for (let at = folded.indexOf('"role"'); at >= 0; at = folded.indexOf('"role"', at + 6)) {
    const role = JSON_ROLE.exec(folded.slice(at, at + 32));
    if (role) add(0.35, at, at + role[0].length);
  }
  lineStartSignals(folded, add);
  for (const match of BOUNDARIES.find(scanned)) {
    signals.push(signalForWords(scanned, 'delimiter-injection', 0.5, match));
  }
  return signals;
}

function startsLine(folded: string, at: number): boolean {
  const lineStart = folded.lastIndexOf('\n', at - 1) + 1;
  return at - lineStart <= 4 && folded.slice(lineStart, at).trim() === '';
}

/**
 * Role headings (`### SYSTEM`, `###ADMIN###`) and role labels (`System:`, `Assistant:`) at the start of a line. One
 * line at a time, each looked at through its first 40 characters only.
 */
function lineStartSignals(folded: string, add: (weight: number, start: number, end: number) => void): void {
  for (let lineStart = 0; lineStart < folded.length;) {
    const newline = folded.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? folded.length : newline;
    const head = folded.slice(lineStart, Math.min(lineEnd, lineStart + 40));
    const heading = /^\s{0,3}#{1,6}\s{0,2}([a-z]+)/.exec(head);
    if (heading && HEADING_ROLES.has(heading[1] ?? '')) add(0.45, lineStart, lineStart + heading[0].length);
    const label = /^\s{0,3}[-*>]?\s{0,2}([a-z]+)\s{0,2}:/.exec(head);
    if (label) {
      const name = label[1] ?? '';
      if (STRONG_LABELS.has(name)) add(0.45, lineStart, lineStart + label[0].length);
      else if (TURN_LABELS.has(name)) add(0.3, lineStart, lineStart + label[0].length);
    }
    lineStart = lineEnd + 1;
  }
}
