/** The CLI's flags that take a count (--batch, --threads, --top, ...): one parse and one message for all. */
import { CliError } from './io';

/** A whole number >= 1, or undefined when the flag was not given; anything else names the flag and the text. */
export function wholeFlag(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag}: "${v}" is not a whole number >= 1`);
  return n;
}
