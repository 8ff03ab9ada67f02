import type { ApiEventName, ApiEvents, Unsubscribe } from '../core/api';

type Listener = (event: ApiEventName, payload: ApiEvents[ApiEventName]) => void;

/** Fan-out of backend events to every connected UI (Electron window, browser tabs). */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }

  subscribe(listener: Listener): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
