/**
 * The only bridge between the sandboxed renderer and the backend: one function per contract
 * method. ipcRenderer itself is never exposed, and event callbacks are wrapped so the renderer
 * never sees an IpcRendererEvent (which would leak `sender`).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_EVENT_NAMES, API_METHOD_NAMES, type ApiEventNameLiteral as ApiEventName } from '../../core/api-names';
import type { WireError } from '../../core/api';
import { EVENT_CHANNEL, callChannel } from './ipc-channels';

type Reply = { result: unknown } | { error: WireError };

const api: Record<string, unknown> = {};
for (const method of API_METHOD_NAMES) {
  api[method] = async (payload: unknown) => {
    const reply = (await ipcRenderer.invoke(callChannel(method), payload ?? {})) as Reply;
    if ('error' in reply) {
      const err = new Error(reply.error.message) as Error & { code?: string };
      err.code = reply.error.code;
      throw err;
    }
    return reply.result;
  };
}

api['on'] = (event: ApiEventName, listener: (payload: unknown) => void) => {
  if (!(API_EVENT_NAMES as readonly string[]).includes(event) || typeof listener !== 'function') throw new Error(`unknown event "${String(event)}"`);
  const wrapped = (_e: unknown, name: ApiEventName, payload: unknown) => {
    if (name === event) listener(payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  };
};

contextBridge.exposeInMainWorld('cnnStudio', api);
