/** core/ is pure TypeScript: it runs in the renderer and in Node, so no Node, Electron or React imports. */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const CORE = path.join(__dirname, '..', '..', 'core');
const FORBIDDEN = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](node:[^'"]*|fs|path|os|crypto|child_process|worker_threads|electron|react|react-dom|onnxruntime-node|sharp)(\/[^'"]*)?['"]/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

describe('core/ purity', () => {
  it('imports nothing from node:*, fs, path, electron or react', () => {
    const offenders = files(CORE).flatMap((f) => {
      const m = readFileSync(f, 'utf8').match(FORBIDDEN);
      return m ? [`${path.relative(CORE, f)}: ${m[0]}`] : [];
    });
    expect(offenders).toEqual([]);
  });
});
