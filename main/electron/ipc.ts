import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { API_METHODS, toWireError, type ApiMethod } from '../../core/api';
import type { Backend } from '../backend';
import { APP_ORIGIN } from './protocol';
import { EVENT_CHANNEL, callChannel } from './ipc-channels';

/**
 * Binds every contract method to its IPC channel. A call is served only when it comes from our
 * own page (the app:// origin, main frame of a window we created); the payload is then validated
 * by the backend's zod schema. Errors travel as {code, message}, never as thrown objects.
 */
export function bindIpc(ipcMain: IpcMain, backend: Backend, isOurWindow: (wc: WebContents) => boolean): () => void {
  const bound: string[] = [];
  for (const method of API_METHODS) {
    const channel = callChannel(method);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      const denied = checkSender(event, isOurWindow);
      if (denied) return { error: { code: 'forbidden', message: denied } };
      try {
        return { result: await backend.call(method as ApiMethod, payload) };
      } catch (e) {
        return { error: toWireError(e) };
      }
    });
    bound.push(channel);
  }
  return () => {
    for (const c of bound) ipcMain.removeHandler(c);
  };
}

export function checkSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, isOurWindow: (wc: WebContents) => boolean): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the calling frame is gone';
  if (!isOurWindow(event.sender)) return 'the call did not come from a CNN Studio window';
  if (frame.parent !== null) return 'calls from sub-frames are refused';
  let origin: string;
  try {
    // WHATWG URL gives non-special schemes (app:) an opaque "null" origin, so compose it ourselves.
    const u = new URL(frame.url);
    origin = `${u.protocol}//${u.host}`;
  } catch {
    return `unparseable frame URL ${frame.url}`;
  }
  if (origin !== APP_ORIGIN) return `calls from ${origin} are refused`;
  return null;
}

/** Forwards backend events to one window. */
export function forwardEvents(backend: Backend, contents: WebContents): () => void {
  return backend.events.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
  });
}
