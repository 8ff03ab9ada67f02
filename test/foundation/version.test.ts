import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STUDIO_VERSION } from '../../core/version';

describe('version', () => {
  it('core/version.ts matches package.json', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(STUDIO_VERSION).toBe(pkg.version);
  });
});
