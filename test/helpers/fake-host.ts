/** A described machine for the adapter and CUDA checks: files, links, folders and program outputs. */
import path from 'node:path';
import type { HostProbe } from '../../main/providers/host-probe';

export interface FakeMachine {
  platform?: NodeJS.Platform;
  env?: Record<string, string>;
  /** path -> text (files; a folder is every path below it) */
  files?: Record<string, string>;
  links?: Record<string, string>;
  /** "program arg1 arg2" -> stdout */
  programs?: Record<string, string>;
}

export function fakeHost(m: FakeMachine): HostProbe {
  const files = m.files ?? {};
  return {
    platform: m.platform ?? 'linux',
    env: m.env ?? {},
    home: '/home/u',
    readText: (f) => files[f] ?? null,
    list: (dir) => [
      ...new Set(
        Object.keys(files)
          .filter((f) => f.startsWith(`${dir}/`))
          .map((f) => f.slice(dir.length + 1).split('/')[0]!),
      ),
    ],
    readLink: (f) => m.links?.[f] ?? null,
    stat: (f) => (f in files ? { size: files[f]!.length, mtimeMs: 1 } : null),
    run: (program, args) => m.programs?.[[path.basename(program), ...args].join(' ')] ?? null,
  };
}

export const icd = (library: string): string => JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.305' } });
