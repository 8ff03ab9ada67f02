/**
 * JSON files written by hand or by other tools may start with a UTF-8 byte order mark (U+FEFF);
 * JSON.parse refuses it. Every reader of a project or run file drops it first.
 */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
