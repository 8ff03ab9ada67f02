/**
 * .ci/debian-mirror: CI adds bookworm-backports from the machine's own Debian mirror, read from
 * APT's sources (deb822 and one-line formats), never from a host written into the repository.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../helpers/temp-dir';

const SCRIPT = path.resolve(__dirname, '../../.ci/debian-mirror');

function aptRoot(files: Record<string, string>): string {
  const root = testTempDir('apt-');
  mkdirSync(path.join(root, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
  return root;
}

function mirror(root: string, suite = 'bookworm'): { code: number | null; out: string } {
  const r = spawnSync('bash', [SCRIPT, suite, root], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout.replace(/\n$/, '') };
}

describe('.ci/debian-mirror', () => {
  it('takes the URI and keyring of the deb822 paragraph whose suites include bookworm, not the security one', () => {
    const root = aptRoot({
      'sources.list.d/debian.sources': [
        'Types: deb',
        'URIs: http://security.example.test/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
        'Types: deb-src',
        'URIs: http://src.example.test/debian',
        'Suites: bookworm',
        'Components: main',
        '',
        'Types: deb',
        '# a comment inside the paragraph',
        'URIs: http://mirror.example.test/debian http://second.example.test/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        'Signed-By: /usr/share/keyrings/mirror.gpg',
        '',
      ].join('\n'),
    });
    expect(mirror(root)).toEqual({ code: 0, out: 'http://mirror.example.test/debian\t/usr/share/keyrings/mirror.gpg' });
  });

  it('reads one-line sources.list entries, with or without [signed-by=...] options', () => {
    expect(
      mirror(aptRoot({ 'sources.list': '# deb http://old.example.test/debian bookworm main\ndeb http://plain.example.test/debian bookworm main contrib\n' })),
    ).toEqual({ code: 0, out: 'http://plain.example.test/debian\t' });
    expect(
      mirror(aptRoot({ 'sources.list.d/local.list': 'deb [arch=amd64 signed-by=/etc/keys/local.gpg] http://opts.example.test/debian bookworm main\n' })),
    ).toEqual({ code: 0, out: 'http://opts.example.test/debian\t/etc/keys/local.gpg' });
  });

  it('skips disabled entries and files, and fails when the machine has no entry for the suite', () => {
    const root = aptRoot({
      'sources.list.d/off.sources': 'Types: deb\nURIs: http://off.example.test/debian\nSuites: bookworm\nEnabled: no\n',
      'sources.list.d/old.list.disabled': 'deb http://disabled.example.test/debian bookworm main\n',
      'sources.list.d/on.sources': 'Types: deb\nURIs: http://on.example.test/debian\nSuites: bookworm\n',
    });
    expect(mirror(root).out).toBe('http://on.example.test/debian\t');
    expect(mirror(root, 'trixie').code).toBe(1);
    expect(mirror(aptRoot({})).code).toBe(1);
  });
});
