import type { PiiEntity } from './pii-entity';

/**
 * The originals behind one request's placeholders. A vault belongs to one request: created for it, shared by the
 * texts of that request (its messages, then the answer), and dropped with it, so a placeholder can only ever be
 * restored to a value the same caller sent. It is the only holder of the originals; printing or serialising it
 * shows how many placeholders it holds, never what they stand for.
 */
export class PlaceholderVault {
  readonly #originals = new Map<string, string>();
  readonly #placeholders = new Map<string, string>();
  readonly #counters = new Map<PiiEntity, number>();
  #longest = 0;

  /**
   * The placeholder for an original: the one it already has in this request, or the next number of its entity
   * (`[EMAIL_1]`, `[EMAIL_2]`, …). Numbers for which `isTaken` says the placeholder text already occurs in the
   * caller's own text are skipped, so restoring never rewrites something the caller wrote.
   */
  placeholderFor(entity: PiiEntity, original: string, isTaken: (placeholder: string) => boolean = () => false): string {
    const key = `${entity}\u0000${original}`;
    const existing = this.#placeholders.get(key);
    if (existing !== undefined) return existing;
    let number = this.#counters.get(entity) ?? 0;
    let placeholder: string;
    do {
      number += 1;
      placeholder = `[${entity}_${number}]`;
    } while (isTaken(placeholder));
    this.#counters.set(entity, number);
    this.#placeholders.set(key, placeholder);
    this.#originals.set(placeholder, original);
    this.#longest = Math.max(this.#longest, placeholder.length);
    return placeholder;
  }

  /** The original behind a placeholder of this vault, or undefined for any other text. */
  originalOf(placeholder: string): string | undefined {
    return this.#originals.get(placeholder);
  }

  /** True when `text` is the beginning of at least one of this vault's placeholders (the whole of one included). */
  isPlaceholderPrefix(text: string): boolean {
    for (const placeholder of this.#originals.keys()) if (placeholder.startsWith(text)) return true;
    return false;
  }

  get size(): number {
    return this.#originals.size;
  }

  /** The length of the longest placeholder: the most a streaming restorer ever holds back. */
  get longestPlaceholderLength(): number {
    return this.#longest;
  }

  toJSON(): { placeholders: number } {
    return { placeholders: this.size };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PlaceholderVault { placeholders: ${this.size} }`;
  }
}
