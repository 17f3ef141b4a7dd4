import type { ReactNode } from 'react';

export type CodeLanguage = 'typescript' | 'shell';

type TokenKind = 'comment' | 'string' | 'keyword' | 'number' | 'function' | 'property' | 'flag' | 'variable';

// Colours for a slate-950 background; each clears 4.5:1 contrast.
const tokenClasses: Record<TokenKind, string> = {
  comment: 'text-slate-400 italic',
  string: 'text-emerald-300',
  keyword: 'text-fuchsia-300',
  number: 'text-amber-300',
  function: 'text-sky-300',
  property: 'text-indigo-200',
  flag: 'text-sky-300',
  variable: 'text-amber-200',
};

// A small tokenizer for the handful of snippets on the marketing pages, not a general highlighter: the leftmost
// match wins, so `//` inside a string stays part of the string.
const grammars: Record<CodeLanguage, { pattern: RegExp; kinds: TokenKind[] }> = {
  typescript: {
    pattern:
      /(\/\/[^\n]*)|('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|\b(import|from|const|await|new|export|async|function|return)\b|\b(\d+(?:\.\d+)?)\b|([A-Za-z_$][\w$]*)(?=\()|([A-Za-z_$][\w$]*)(?=:)/g,
    kinds: ['comment', 'string', 'keyword', 'number', 'function', 'property'],
  },
  shell: {
    pattern: /(#[^\n]*)|('[^']*'|"(?:[^"\\\n]|\\.)*")|(?<=\s)(--?[A-Za-z][\w-]*)|(\$[A-Za-z_]\w*)/g,
    kinds: ['comment', 'string', 'flag', 'variable'],
  },
};

export function highlight(code: string, language: CodeLanguage): ReactNode[] {
  const { pattern, kinds } = grammars[language];
  const nodes: ReactNode[] = [];
  let cursor = 0;
  for (const match of code.matchAll(pattern)) {
    const index = match.index;
    if (index > cursor) nodes.push(code.slice(cursor, index));
    const group = match.slice(1).findIndex((value) => value !== undefined);
    const kind = kinds[group];
    nodes.push(
      kind ? (
        <span key={index} className={tokenClasses[kind]}>
          {match[0]}
        </span>
      ) : (
        match[0]
      ),
    );
    cursor = index + match[0].length;
  }
  if (cursor < code.length) nodes.push(code.slice(cursor));
  return nodes;
}
