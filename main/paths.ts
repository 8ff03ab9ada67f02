import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The installed package's root (the folder with cnn-studio's package.json). Found by walking up
 * from this module, so it holds in the bundle (dist/cli.cjs), in tests (main/*.ts) and in asar.
 */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'cnn-studio') return dir;
      } catch {
        // An unreadable package.json on the way up is not ours.
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find cnn-studio's package.json above ${from}`);
    dir = up;
  }
}

export function rendererDir(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}

/**
 * Where a bundled asset lies on disk. In a packaged app the package root is inside app.asar,
 * which Node's fs (patched by Electron) can read but native code such as sharp cannot; assets
 * that native code reads are unpacked next to it (electron-builder.yml asarUnpack).
 */
export function unpackedAssetPath(root: string, ...parts: string[]): string {
  const p = path.join(root, ...parts);
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

/**
 * True when `file` lies in the studio's own assets/ folder (the bundled sample and its images):
 * those are part of the install, shared by every project, and replaced by the next update, so the
 * studio never writes there.
 */
export function insideInstallAssets(file: string): boolean {
  let root: string;
  try {
    root = packageRoot();
  } catch {
    return false;
  }
  const target = path.resolve(file);
  return [path.join(root, 'assets'), unpackedAssetPath(root, 'assets')].some((dir) => {
    const rel = path.relative(dir, target);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}
