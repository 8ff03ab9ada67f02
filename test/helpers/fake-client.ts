/**
 * A fake backend for renderer component tests, at the renderer's module boundary: the
 * `StudioClient` contract (core/api.ts) that the stores call. Every method is a vitest mock; the
 * ones a test does not give answer with an error naming the method, so an unexpected call fails
 * loudly instead of hanging on a promise that never settles.
 */
import { vi, type Mock } from 'vitest';
import { API_METHOD_NAMES } from '../../core/api-names';
import type { ApiEventName, ApiEvents, ApiMethod, StudioApi, StudioClient } from '../../core/api';
import { useStudio } from '../../renderer/state/studio';

export type FakeClient = StudioClient & { [M in ApiMethod]: Mock<StudioApi[M]> };

type Listeners = { [E in ApiEventName]?: ((payload: ApiEvents[E]) => void)[] };

export function fakeClient(impl: Partial<StudioApi> = {}): FakeClient & { emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void } {
  const methods: Record<string, Mock> = {};
  for (const name of API_METHOD_NAMES) {
    const given = impl[name] as ((req: unknown) => Promise<unknown>) | undefined;
    methods[name] = vi.fn(given ?? (() => Promise.reject(new Error(`fake client: ${name} was called but this test gives it no answer`))));
  }
  const listeners: Listeners = {};
  const client = {
    ...methods,
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
      const list = (listeners[event] ??= []) as ((payload: ApiEvents[E]) => void)[];
      list.push(listener);
      return () => void list.splice(list.indexOf(listener), 1);
    },
    emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]) {
      for (const l of (listeners[event] ?? []) as ((payload: ApiEvents[E]) => void)[]) l(payload);
    },
  };
  return client as unknown as FakeClient & { emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void };
}

/** Puts a fake client in the studio store, as attachStudio does with the real one (without its start-up calls). */
export function installFakeClient(impl: Partial<StudioApi> = {}): ReturnType<typeof fakeClient> {
  const client = fakeClient(impl);
  useStudio.setState({ api: client });
  return client;
}
