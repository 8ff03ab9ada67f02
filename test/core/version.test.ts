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

describe('bundled assets', () => {
  it('native code reads assets from the unpacked copy of a packaged app', async () => {
    const { unpackedAssetPath } = await import('../../main/paths');
    expect(unpackedAssetPath('/opt/CNN Studio/resources/app.asar', 'assets', 'x')).toBe('/opt/CNN Studio/resources/app.asar.unpacked/assets/x');
    expect(unpackedAssetPath('/work/main', 'assets', 'x')).toBe('/work/main/assets/x');
  });
});
