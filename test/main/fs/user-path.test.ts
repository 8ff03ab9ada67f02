/** `~` in typed paths means the home folder, in every backend method that takes a path. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveUserPath } from '../../../main/fs/user-path';
import { homeAbbreviated } from '../../../renderer/format';
import { testBackend } from '../../helpers/test-backend';
import { testTempDir } from '../../helpers/temp-dir';

describe('~ in paths', () => {
  it('expands ~ and ~/x to the home folder, nothing else', () => {
    expect(resolveUserPath('~', '/home/ana')).toBe('/home/ana');
    expect(resolveUserPath('~/data/cats', '/home/ana')).toBe('/home/ana/data/cats');
    expect(resolveUserPath('/srv/~/x', '/home/ana')).toBe('/srv/~/x');
    expect(resolveUserPath('~bob/x', '/home/ana')).toBe(path.resolve('~bob/x'));
    expect(resolveUserPath('data', '/home/ana')).toBe(path.resolve('data'));
  });

  it('shows the home folder as ~', () => {
    expect(homeAbbreviated('/home/ana/data', '/home/ana')).toBe('~/data');
    expect(homeAbbreviated('/home/ana', '/home/ana/')).toBe('~');
    expect(homeAbbreviated('/home/anabel/x', '/home/ana')).toBe('/home/anabel/x');
    expect(homeAbbreviated('/srv/x', '/')).toBe('/srv/x');
  });

  it('the backend lists ~/x and names the home folder in the listing', async () => {
    const dir = testTempDir('.cnn-studio-tilde-', os.homedir());
    await fs.writeFile(path.join(dir, 'a.txt'), 'x');
    const l = await testBackend().listDirectory({ path: `~/${path.basename(dir)}`, showHidden: true });
    expect(l.path).toBe(dir);
    expect(l.home).toBe(os.homedir());
    expect(l.entries.map((e) => e.name)).toEqual(['a.txt']);
  });
});
