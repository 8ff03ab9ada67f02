import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// core/ runs in the renderer and in Node: it may import only its own files and pure-JS packages.
const ALLOWED_PACKAGES = new Set(['zod', 'onnx-proto', 'protobufjs', 'protobufjs/minimal']);
const root = path.resolve(__dirname, '../../core');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

/** Every module specifier in import/export-from statements, dynamic import() and require(). */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]+\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1]!);
  return specs;
}

describe('core/ stays pure TypeScript', () => {
  it('the import scanner sees every form of import', () => {
    const src = `import fs from 'node:fs';\nimport { x } from "./a";\nexport * from 'electron';\nconst r = await import('react');\nrequire('path');\nimport type { T } from 'zod';`;
    expect(importsOf(src).sort()).toEqual(['./a', 'electron', 'node:fs', 'path', 'react', 'zod'].sort());
  });

  it('imports no electron, react, node built-ins or native packages', () => {
    const files = tsFiles(root);
    expect(files.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) continue;
        if (!ALLOWED_PACKAGES.has(spec)) offenders.push(`${path.relative(root, file)} imports "${spec}"`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('does not reach into main/ or renderer/ through relative paths', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(root)) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(root + path.sep) && target !== root) offenders.push(`${path.relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
