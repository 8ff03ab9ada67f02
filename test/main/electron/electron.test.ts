import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS } from '../../../core/api';
import { secureWebPreferences } from '../../../main/electron/web-preferences';
import { bindIpc, checkSender } from '../../../main/electron/ipc';
import { callChannel } from '../../../main/electron/ipc-channels';
import { isAllowedExternalUrl } from '../../../main/electron/external-links';
import { menuTemplate } from '../../../main/electron/menu';
import { testBackend } from '../../helpers/test-backend';

// The preload runs inside Electron; here `electron` is replaced by recorders of what it exposes.
const exposed: Record<string, unknown> = {};
const invoked: { channel: string; payload: unknown }[] = [];
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push({ channel, payload });
      return channel.endsWith(':version') ? { result: { studio: 'x' } } : { error: { code: 'boom', message: 'it failed' } };
    },
    on: vi.fn(),
    removeListener: vi.fn(),
  },
}));

describe('Electron window', () => {
  it('isolates and sandboxes the renderer', () => {
    const wp = secureWebPreferences('/app/preload.cjs');
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(wp.preload).toBe('/app/preload.cjs');
  });
});

describe('preload', () => {
  beforeEach(() => {
    invoked.length = 0;
  });

  it('exposes exactly the contract methods plus `on`, never ipcRenderer', async () => {
    await import('../../../main/electron/preload');
    const api = exposed['cnnStudio'] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'on'].sort());
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(Object.keys(exposed)).toEqual(['cnnStudio']);
  });

  it('forwards calls on the method channel and turns error replies into errors', async () => {
    const api = exposed['cnnStudio'] as Record<string, (p?: unknown) => Promise<unknown>>;
    expect(await api['version']!({})).toEqual({ studio: 'x' });
    expect(invoked[0]).toEqual({ channel: callChannel('version'), payload: {} });
    await expect(api['openProject']!({ path: '/x' })).rejects.toThrow('it failed');
  });

  it('refuses to subscribe to unknown events', () => {
    const api = exposed['cnnStudio'] as { on: (e: string, l: () => void) => () => void };
    expect(() => api.on('nope', () => undefined)).toThrow(/unknown event/);
    expect(typeof api.on('log', () => undefined)).toBe('function');
  });
});

type Handler = (event: unknown, payload: unknown) => Promise<unknown>;

describe('IPC binding', () => {
  const handlers = new Map<string, Handler>();
  const ipcMain = { handle: (c: string, h: Handler) => handlers.set(c, h), removeHandler: (c: string) => handlers.delete(c) };
  const ours = { id: 1 };
  const frame = (url: string, parent: unknown = null) => ({ url, parent });

  it('binds a handler for every contract method', () => {
    const unbind = bindIpc(ipcMain as never, testBackend(), (wc) => wc === (ours as never));
    for (const m of API_METHODS) expect(handlers.has(callChannel(m)), m).toBe(true);
    expect(handlers.size).toBe(API_METHODS.length);
    unbind();
    expect(handlers.size).toBe(0);
  });

  it('serves our page and refuses other senders', async () => {
    bindIpc(ipcMain as never, testBackend(), (wc) => wc === (ours as never));
    const call = (sender: unknown, f: unknown, payload: unknown = {}) => handlers.get(callChannel('version'))!({ sender, senderFrame: f }, payload);
    expect(await call(ours, frame('app://studio/index.html'))).toMatchObject({ result: { host: 'test' } });
    expect(await call(ours, frame('https://evil.example/'))).toMatchObject({ error: { code: 'forbidden' } });
    expect(await call({ id: 2 }, frame('app://studio/index.html'))).toMatchObject({ error: { code: 'forbidden' } });
    expect(await call(ours, frame('app://studio/index.html', {}))).toMatchObject({ error: { code: 'forbidden' } });
    expect(await call(ours, null)).toMatchObject({ error: { code: 'forbidden' } });
    expect(await call(ours, frame('app://studio/index.html'), { bogus: 1 })).toMatchObject({ error: { code: 'invalid-request' } });
  });

  it('checkSender names the reason', () => {
    expect(checkSender({ sender: ours, senderFrame: frame('file:///etc/x') } as never, () => true)).toMatch(/refused/);
  });
});

describe('application menu', () => {
  it('sends document commands to the renderer and has the usual shortcuts', () => {
    const sent: string[] = [];
    const template = menuTemplate('linux', (c) => sent.push(c), { devTools: false });
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    const byLabel = (l: string) => items.find((i) => i.label === l)!;
    expect(byLabel('Open…').accelerator).toBe('CmdOrCtrl+O');
    expect(byLabel('Save').accelerator).toBe('CmdOrCtrl+S');
    expect(byLabel('Undo').accelerator).toBe('CmdOrCtrl+Z');
    (byLabel('Save As…').click as () => void)();
    expect(sent).toEqual(['saveAs']);
  });

  it('has Toggle Developer Tools only in development (issue 22 item 13)', () => {
    const roles = (devTools: boolean): unknown[] =>
      menuTemplate('linux', () => undefined, { devTools })
        .flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []))
        .map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
    const mac = menuTemplate('darwin', () => undefined, { devTools: false });
    expect(JSON.stringify(mac)).not.toMatch(/toggleDevTools/i);
  });
});

describe('external links (issue 22 item 13)', () => {
  it('opens only https documentation links on the allowlisted hosts', () => {
    for (const ok of [
      'https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html',
      'https://onnx.ai/onnx/operators/',
      'https://pytorch.org/docs/stable/',
      'https://docs.pytorch.org/docs/stable/onnx.html',
      'https://www.onnx.ai/',
    ]) {
      expect(isAllowedExternalUrl(ok), ok).toBe(true);
    }
    for (const bad of [
      'http://onnxruntime.ai/',
      'https://onnxruntime.ai.evil.example/',
      'https://evil.example/?onnx.ai',
      'https://user:pw@onnx.ai/',
      'https://onnx.ai:8443/',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'ms-settings:',
      'https://github.com/x',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(bad), bad).toBe(false);
    }
  });
});
