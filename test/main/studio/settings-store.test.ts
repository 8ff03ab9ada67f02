import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PROJECT_SETTINGS, SettingsStore, mergeSettings } from '../../../main/studio/settings-store';
import { validTrainSettings } from '../../../core/train-settings-entry';
import { testBackend } from '../../helpers/test-backend';
import { tempDir } from '../../helpers/temp-dir';

describe('remembered settings (backend)', () => {
  it('round-trips through the backend and survives a new backend on the same home', async () => {
    const home = tempDir();
    const a = testBackend({ studioHome: home });
    expect(await a.call('loadSettings', {})).toEqual({});
    await a.call('saveSettings', { patch: { theme: 'dark', recent: [{ path: '/p/a.cnn.json', at: 1 }] } });
    await a.call('saveSettings', { patch: { trainSettings: { '/p/a.cnn.json': { epochs: 3, optimizer: 'sgd' } } } });
    const b = testBackend({ studioHome: home });
    expect(await b.call('loadSettings', {})).toEqual({
      theme: 'dark',
      recent: [{ path: '/p/a.cnn.json', at: 1 }],
      trainSettings: { '/p/a.cnn.json': { epochs: 3, optimizer: 'sgd' } },
    });
  });

  it('refuses a patch that is not settings, naming the field', async () => {
    const backend = testBackend({ studioHome: tempDir() });
    await expect(backend.call('saveSettings', { patch: { theme: 'purple' } })).rejects.toThrow(/theme/);
    await expect(backend.call('saveSettings', { patch: { unknownKey: 1 } })).rejects.toThrow(/unknownKey|unrecognized/i);
  });

  it('reads a torn or foreign file as no settings, and the next save replaces it', async () => {
    const home = tempDir();
    const file = path.join(home, 'settings.json');
    writeFileSync(file, '{"theme": "dark", "rec');
    const store = new SettingsStore(file);
    expect(await store.load()).toEqual({});
    writeFileSync(file, JSON.stringify({ theme: 'neon' }));
    expect(await store.load()).toEqual({});
    await store.save({ theme: 'light' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ theme: 'light' });
  });

  it('serialises concurrent saves so no patch is lost', async () => {
    const store = new SettingsStore(path.join(tempDir(), 'settings.json'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ trainSettings: { [`/p/${i}.json`]: { seed: i } } })));
    const saved = await store.load();
    expect(Object.keys(saved.trainSettings ?? {})).toHaveLength(20);
  });

  it('keeps training settings for the most recently saved projects only', () => {
    let s = {};
    for (let i = 0; i < MAX_PROJECT_SETTINGS + 5; i++) s = mergeSettings(s, { trainSettings: { [`p${i}`]: { seed: i } } });
    // p0..p4 were dropped; saving p5 again makes it the newest, so the next new project drops p6.
    s = mergeSettings(s, { trainSettings: { p5: { seed: 99 } } });
    s = mergeSettings(s, { trainSettings: { new: { seed: 1 } } });
    const keys = Object.keys((s as { trainSettings: object }).trainSettings);
    expect(keys).toHaveLength(MAX_PROJECT_SETTINGS);
    expect(keys).not.toContain('p4');
    expect(keys).not.toContain('p6');
    expect(keys.slice(-2)).toEqual(['p5', 'new']);
  });

  it('applies only the stored training fields that are still valid settings', () => {
    expect(validTrainSettings({ epochs: 4, lr: -1, optimizer: 'lion', schedule: 'cosine', bogus: 1 })).toEqual({ epochs: 4, schedule: 'cosine' });
    expect(validTrainSettings(undefined)).toEqual({});
  });
});
