import type { PlaceholderVault } from './placeholder-vault';

/**
 * Puts the request's originals back where its placeholders appear in an answer. Only placeholders of this vault
 * are replaced: any other bracketed text, including a placeholder of another request, passes unchanged.
 */
export function restoreText(text: string, vault: PlaceholderVault): string {
  if (vault.size === 0 || text.indexOf('[') === -1) return text;
  return restore(text, vault, true).output;
}

/**
 * Restores a streamed answer chunk by chunk. Each `push` returns what can be sent now; only a tail that may still
 * become a placeholder (a `[` and what follows it, shorter than the vault's longest placeholder) is held back, so
 * the stream stays a stream. `flush` returns what is held at the end. The concatenated output is exactly
 * `restoreText` of the concatenated input, wherever the chunks were cut.
 */
export class PlaceholderRestorer {
  #pending = '';

  constructor(private readonly vault: PlaceholderVault) {}

  push(chunk: string): string {
    const text = this.#pending + chunk;
    if (this.vault.size === 0) {
      this.#pending = '';
      return text;
    }
    const { output, held } = restore(text, this.vault, false);
    this.#pending = held;
    return output;
  }

  flush(): string {
    const rest = this.#pending;
    this.#pending = '';
    return rest.length === 0 ? rest : restore(rest, this.vault, true).output;
  }

  /** How many characters are held back now (never more than the vault's longest placeholder). */
  get heldBackLength(): number {
    return this.#pending.length;
  }
}

/**
 * One pass over `text`: placeholders start with `[` and end at the first `]`, contain neither bracket inside, and
 * so never overlap; each `[` is looked at once, with at most the longest placeholder's length after it. When
 * `final` is false, a `[` near the end whose tail is the beginning of a placeholder is held back for the next chunk.
 */
function restore(text: string, vault: PlaceholderVault, final: boolean): { output: string; held: string } {
  const longest = vault.longestPlaceholderLength;
  const parts: string[] = [];
  let cursor = 0;
  // The first `]` after the current `[`: looked up again only once the scan has passed it, so the pass stays linear.
  let close = text.indexOf(']');
  let open = text.indexOf('[');
  while (open !== -1) {
    if (close !== -1 && close <= open) close = text.indexOf(']', open + 1);
    const windowEnd = Math.min(text.length, open + longest);
    if (close !== -1 && close < windowEnd) {
      const original = vault.originalOf(text.slice(open, close + 1));
      if (original !== undefined) {
        parts.push(text.slice(cursor, open), original);
        cursor = close + 1;
        open = text.indexOf('[', cursor);
        continue;
      }
    } else if (!final && windowEnd === text.length && vault.isPlaceholderPrefix(text.slice(open))) {
      parts.push(text.slice(cursor, open));
      return { output: parts.join(''), held: text.slice(open) };
    }
    open = text.indexOf('[', open + 1);
  }
  parts.push(text.slice(cursor));
  return { output: parts.join(''), held: '' };
}
