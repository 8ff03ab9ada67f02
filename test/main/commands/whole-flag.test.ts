/** The count flags (--batch, --threads, --top, --classes, ...): whole numbers >= 1, refused by name otherwise. */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../main/commands/io';
import { wholeFlag } from '../../../main/commands/whole-flag';
import { cli } from '../../helpers/cli-io';

describe('wholeFlag', () => {
  it('reads a whole number >= 1, and nothing when the flag is absent', () => {
    expect(wholeFlag('--batch', '32')).toBe(32);
    expect(wholeFlag('--batch', ' 7 ')).toBe(7);
    expect(wholeFlag('--batch', undefined)).toBeUndefined();
  });

  it.each(['0', '-3', '2.5', 'many', ''])('refuses %j, naming the flag and the text', (text) => {
    expect(() => wholeFlag('--threads', text)).toThrow(CliError);
    expect(() => wholeFlag('--threads', text)).toThrow(`--threads: "${text}" is not a whole number >= 1`);
  });

  it('is what the template command says for a bad --classes', async () => {
    const r = await cli('template', 'lenet5', '--classes', '1.5', '-o', 'unused.json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--classes: "1\.5" is not a whole number >= 1/);
  });
});
