/**
 * Temporary folders for tests, removed by vitest's hooks so that no test cleans up by hand or
 * leaves folders behind. The prefix names the test in the folder's name (`<tmp>/<prefix>XXXXXX`),
 * which says whose leftovers they are if a run is killed before its hooks.
 *
 * Import this module at the top of a test file (directly or through another helper): that
 * registers the file's removal hook. Folders made in a test body with `testTempDir` go when that
 * test finishes; folders from `tempDir` (module level, `beforeAll`, or a test that hands the folder
 * to work still running after it, such as a training run) go after the file's last test, after the
 * file's own `afterAll` hooks (vitest runs after-hooks last-registered first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const madeForFile: string[] = [];

afterAll(() => {
  for (const dir of madeForFile.splice(0)) remove(dir);
});

function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A new empty folder `<parent>/<prefix>XXXXXX`, removed after the file's tests. */
export function tempDir(prefix = 'cnn-studio-test-', parent = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(parent, prefix));
  madeForFile.push(dir);
  return dir;
}

/** A new empty folder, removed when the running test finishes (call it inside a test). */
export function testTempDir(prefix = 'cnn-studio-test-', parent = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(parent, prefix));
  onTestFinished(() => remove(dir));
  return dir;
}
