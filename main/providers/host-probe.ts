/**
 * The few host facts the adapter and CUDA checks read, behind one interface so tests can describe
 * a machine (an NVIDIA box, a GPU-less CI runner) without having one.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import os from 'node:os';

export interface HostProbe {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** File text, or null when it cannot be read. */
  readText(file: string): string | null;
  /** Entry names, or [] when the folder cannot be read. */
  list(dir: string): string[];
  /** The link's target, or null when it is not a link. */
  readLink(file: string): string | null;
  /** Size and mtime of a file, or null when there is none. */
  stat(file: string): { size: number; mtimeMs: number } | null;
  /** stdout of a program, or null when it is missing, fails or takes longer than 5 s. */
  run(program: string, args: readonly string[]): string | null;
  home: string;
}

export const realHost: HostProbe = {
  platform: process.platform,
  env: process.env,
  readText: (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  },
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  readLink: (file) => {
    try {
      return readlinkSync(file);
    } catch {
      return null;
    }
  },
  stat: (file) => {
    try {
      const s = statSync(file);
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
    } catch {
      return null;
    }
  },
  run: (program, args) => {
    try {
      return execFileSync(program, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return null;
    }
  },
  home: os.homedir(),
};
