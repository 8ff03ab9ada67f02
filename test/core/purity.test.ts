/**
 * core/ is pure TypeScript: it runs in the renderer and in Node, so it imports only its own files
 * and pure-JS packages (an allow list): no node: built-ins, Electron, React, onnxruntime or sharp,
 * and no relative path out of core/ into main/ or renderer/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = path.resolve(__dirname, '..', '..', 'core');
const ALLOWED_PACKAGES = new Set(['zod', 'onnx-proto', 'protobufjs', 'protobufjs/minimal']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

/** Every module specifier in import/export-from statements, dynamic import() and require(). */
function importsOf(source: string): string[] {
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

/** "file imports spec" for each import of `file` (a path under `root`) that leaves core's rules. */
function offenders(root: string, file: string, source: string): string[] {
  return importsOf(source).flatMap((spec) => {
    const where = `${path.relative(root, file)} imports "${spec}"`;
    if (!spec.startsWith('.')) return ALLOWED_PACKAGES.has(spec) ? [] : [where];
    const target = path.resolve(path.dirname(file), spec);
    return target === root || target.startsWith(root + path.sep) ? [] : [where];
  });
}

describe('core/ stays pure TypeScript', () => {
  it('the import scanner sees every form of import', () => {
    const src = `import fs from 'node:fs';\nimport { x } from "./a";\nexport * from 'electron';\nconst r = await import('react');\nrequire('path');\nimport type { T } from 'zod';\nimport {\n  a,\n  b,\n} from 'sharp';`;
    expect(importsOf(src).sort()).toEqual(['./a', 'electron', 'node:fs', 'path', 'react', 'sharp', 'zod'].sort());
  });

  it('flags Node, Electron, React, onnxruntime, sharp and paths out of core/', () => {
    const file = path.join(CORE, 'graph', 'x.ts');
    const src = [
      `import { readFileSync } from 'node:fs';`,
      `import { app } from 'electron';`,
      `import { useState } from 'react';`,
      `import * as ort from 'onnxruntime-node';`,
      `const sharp = require('sharp');`,
      `import { Backend } from '../../main/backend';`,
      `import { analyze } from './analyze';`,
      `import { z } from 'zod';`,
    ].join('\n');
    expect(offenders(CORE, file, src)).toEqual([
      'graph/x.ts imports "node:fs"',
      'graph/x.ts imports "electron"',
      'graph/x.ts imports "react"',
      'graph/x.ts imports "onnxruntime-node"',
      'graph/x.ts imports "../../main/backend"',
      'graph/x.ts imports "sharp"',
    ]);
  });

  it('imports no electron, react, node built-ins or native packages', () => {
    const files = tsFiles(CORE);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => offenders(CORE, f, readFileSync(f, 'utf8')).filter((o) => !o.includes(' imports ".')));
    expect(found).toEqual([]);
  });

  it('does not reach into main/ or renderer/ through relative paths', () => {
    const found = tsFiles(CORE).flatMap((f) => offenders(CORE, f, readFileSync(f, 'utf8')).filter((o) => o.includes(' imports ".')));
    expect(found).toEqual([]);
  });
});
