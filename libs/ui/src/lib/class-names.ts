/** Joins class names, dropping the falsy ones, so variants can be written as `condition && 'class'`. */
export function cx(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join(' ');
}
