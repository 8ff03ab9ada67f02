/**
 * Whether serve mode's server is reachable, as the HTTP client last saw it: the event socket's
 * open/close and failed API calls. Electron's bridge has no such state (always 'online').
 */
import { create } from 'zustand';

export interface ConnectionState {
  status: 'online' | 'offline';
  /** When the next reconnect attempt happens (ms since the epoch), while offline. */
  retryAt: number | null;
  /** Set by the client: try to reconnect now instead of waiting for the backoff. */
  retryNow: (() => void) | null;
}

export const useConnection = create<ConnectionState>(() => ({ status: 'online', retryAt: null, retryNow: null }));
