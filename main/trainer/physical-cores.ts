/**
 * Physical CPU cores: onnxruntime's intra-op threads scale with cores, not hyper-threads
 * (DESIGN.md: intraOpNumThreads = physical cores). Linux: distinct (physical id, core id) pairs
 * in /proc/cpuinfo; elsewhere half the logical CPUs when there are several (SMT), else all.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function physicalCores(): number {
  const logical = Math.max(1, os.availableParallelism());
  if (process.platform === 'linux') {
    try {
      const text = readFileSync('/proc/cpuinfo', 'utf8');
      const pairs = new Set<string>();
      for (const block of text.split(/\n\s*\n/)) {
        const phys = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
        const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
        if (phys !== undefined && core !== undefined) pairs.add(`${phys}:${core}`);
      }
      if (pairs.size > 0) return Math.min(logical, pairs.size);
    } catch {
      // fall through
    }
    return logical;
  }
  return logical > 2 ? Math.floor(logical / 2) : logical;
}
