/**
 * The doctor's edits: moves journalled and undoable, exclusions honoured by the scan, nothing
 * deleted, and no path (request or journal) able to reach outside the dataset folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { excludeImage, moveToClass, pendingEdits, undoLastEdit } from '../../../main/data/dataset-edits';
import { EXCLUDE_FILE, JOURNAL_FILE, readExclusions } from '../../../main/data/exclusions';
import { scanImageFolder } from '../../../main/data/scan';
import { makeDataset } from '../../helpers/trainer-fixtures';
import { tempDir } from '../../helpers/temp-dir';

let outer: string;
let root: string;

beforeEach(async () => {
  outer = tempDir('edits-');
  root = await makeDataset(path.join(outer, 'data'), { classes: ['cat', 'dog'], perClass: 4 });
  await fs.writeFile(path.join(outer, 'secret.png'), 'outside the dataset');
});

const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

describe('moving an image to another class', () => {
  it('renames it into the class folder, journals it, and undo puts it back', async () => {
    const before = await fs.readFile(path.join(root, 'cat', '001.png'));
    // dog/001.png is another image: the moved one gets a free name beside it.
    const edit = await moveToClass(root, 'cat/001.png', 'dog');
    expect(edit).toMatchObject({ action: 'move', from: 'cat/001.png', to: 'dog/001-2.png' });
    expect(await fs.readFile(path.join(root, 'dog', '001-2.png'))).toEqual(before);
    expect(await exists(path.join(root, 'dog', '001.png'))).toBe(true);
    expect(await exists(path.join(root, 'cat', '001.png'))).toBe(false);
    const scan = await scanImageFolder(root, { valSplit: 0 });
    expect(scan.counts.train).toEqual([3, 5]);
    expect(scan.skipped).toEqual([]);

    await undoLastEdit(root);
    expect(await fs.readFile(path.join(root, 'cat', '001.png'))).toEqual(before);
    expect(await exists(path.join(root, 'dog', '001-2.png'))).toBe(false);
    const journal = (await fs.readFile(path.join(root, JOURNAL_FILE), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string });
    expect(journal.map((j) => j.action)).toEqual(['move', 'undo']);
    await expect(undoLastEdit(root)).rejects.toThrow(/nothing to undo/);
  });

  it('undo refuses to replace a file that took the old name; unknown classes are refused', async () => {
    await moveToClass(root, 'cat/000.png', 'dog');
    await fs.writeFile(path.join(root, 'cat', '000.png'), 'a new image');
    await expect(undoLastEdit(root)).rejects.toThrow(/cat\/000.png already exists/);
    expect(await fs.readFile(path.join(root, 'cat', '000.png'), 'utf8')).toBe('a new image');
    expect(await exists(path.join(root, 'dog', '000-2.png'))).toBe(true);
    await expect(moveToClass(root, 'cat/000.png', 'horse')).rejects.toThrow(/"horse" is not a class/);
    await expect(moveToClass(root, 'cat/002.png', 'cat')).rejects.toThrow(/already in class cat/);
  });
});

describe('excluding an image', () => {
  it('lists it in the exclusion file, which the scan honours; undo lists it no more', async () => {
    await excludeImage(root, 'dog/002.png');
    expect(await readExclusions(root)).toEqual(['dog/002.png']);
    const scan = await scanImageFolder(root, { valSplit: 0 });
    expect(scan.counts.train).toEqual([4, 3]);
    expect(scan.skipped).toEqual([{ path: path.join(root, 'dog', '002.png'), reason: `excluded (listed in ${EXCLUDE_FILE})` }]);
    expect(await exists(path.join(root, 'dog', '002.png'))).toBe(true);
    await expect(excludeImage(root, 'dog/002.png')).rejects.toThrow(/already excluded/);
    await undoLastEdit(root);
    expect(await readExclusions(root)).toEqual([]);
    expect((await pendingEdits(root)).length).toBe(0);
  });

  it('reads hand-written lists: comments, blank lines, backslashes, ./', async () => {
    await fs.writeFile(path.join(root, EXCLUDE_FILE), '# mine\n\n./cat/000.png\r\ndog\\003.png\n');
    const scan = await scanImageFolder(root, { valSplit: 0 });
    expect(scan.counts.train).toEqual([3, 3]);
  });
});

describe('hostile paths', () => {
  const hostile = ['../secret.png', 'cat/../../secret.png', '/etc/passwd', 'C:\\Windows\\win.ini', '..', '.', '', 'cat/\0x.png', 'cat/..\\..\\secret.png'];

  it.each(hostile)('refuses to move or exclude %j', async (rel) => {
    await expect(moveToClass(root, rel, 'dog')).rejects.toThrow(
      /relative to the dataset folder|outside the dataset folder|not a usable image path|not an image of the dataset/,
    );
    await expect(excludeImage(root, rel)).rejects.toThrow(
      /relative to the dataset folder|outside the dataset folder|not a usable image path|not an image of the dataset/,
    );
    expect(await fs.readFile(path.join(outer, 'secret.png'), 'utf8')).toBe('outside the dataset');
  });

  it('does not follow a class folder linked to the outside', async () => {
    await fs.symlink(outer, path.join(root, 'cat', 'link'));
    await expect(moveToClass(root, 'cat/link/secret.png', 'dog')).rejects.toThrow(/outside the dataset folder/);
    expect(await exists(path.join(outer, 'secret.png'))).toBe(true);
  });

  it('an edited journal cannot move files from or to outside the folder', async () => {
    await fs.writeFile(path.join(root, JOURNAL_FILE), `${JSON.stringify({ action: 'move', from: '../stolen.png', to: '../secret.png', time: '' })}\n`);
    await expect(undoLastEdit(root)).rejects.toThrow(/outside the dataset folder/);
    expect(await exists(path.join(outer, 'secret.png'))).toBe(true);
    expect(await exists(path.join(outer, 'stolen.png'))).toBe(false);
  });

  it('names a journal that is not JSON', async () => {
    await fs.writeFile(path.join(root, JOURNAL_FILE), 'not json\n');
    await expect(undoLastEdit(root)).rejects.toThrow(/line 1 is not valid JSON/);
  });
});
