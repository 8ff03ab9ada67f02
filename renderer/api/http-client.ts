import {
  API_METHODS,
  type ApiEventName,
  type ApiEvents,
  type ApiMethod,
  type ApiRequest,
  type ApiResponses,
  type StudioClient,
  type WireError,
} from '../../core/api';

/** An error from the backend, with the stable code it sent. */
export class BackendError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

type Listener = (payload: unknown) => void;

/** What the client tells the page about the server's reachability. */
export interface ConnectionReporter {
  online(): void;
  offline(retryAt: number, retryNow: () => void): void;
}

/**
 * The contract over serve mode's HTTP + WebSocket. The token comes from the page URL (as printed
 * by `cnn-studio serve`) and is kept for the tab's lifetime so a reload without it still works.
 */
export function createHttpClient(base: string, token: string, reporter?: ConnectionReporter): StudioClient {
  const listeners = new Map<ApiEventName, Set<Listener>>();
  let socket: WebSocket | null = null;
  let retry = 500;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function reconnectNow(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    if (!socket) connect();
  }

  function connect(): void {
    const wsUrl = new URL('events', base);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.searchParams.set('token', token);
    socket = new WebSocket(wsUrl);
    socket.onopen = () => {
      retry = 500;
      reporter?.online();
    };
    socket.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: ApiEventName; payload: unknown };
      for (const l of listeners.get(event) ?? []) l(payload);
    };
    socket.onclose = () => {
      socket = null;
      // The backend may restart or the tunnel drop: reconnect with backoff while anyone listens.
      if ([...listeners.values()].some((s) => s.size > 0)) {
        reporter?.offline(Date.now() + retry, reconnectNow);
        retryTimer = setTimeout(() => {
          retryTimer = null;
          connect();
        }, retry);
        retry = Math.min(retry * 2, 10_000);
      }
    };
  }

  async function call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponses[M]> {
    let res: Response;
    try {
      res = await fetch(new URL(`api/${method}`, base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-studio-token': token },
        body: JSON.stringify(req ?? {}),
      });
    } catch {
      reporter?.offline(Date.now() + retry, reconnectNow);
      throw new BackendError('offline', `${method}: the studio server is not answering (it may have stopped). The page reconnects when it is back.`);
    }
    if (res.status === 401)
      throw new BackendError('unauthorized', 'The studio server refused this page: open the URL with the token that `cnn-studio serve` printed.');
    const body = (await res.json()) as { result?: ApiResponses[M]; error?: WireError };
    if (body.error) throw new BackendError(body.error.code, body.error.message);
    return body.result as ApiResponses[M];
  }

  const client = {
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      if (!socket) connect();
      return () => {
        set.delete(listener as Listener);
      };
    },
  } as StudioClient;
  for (const m of API_METHODS) {
    (client as unknown as Record<string, unknown>)[m] = (req: unknown) => call(m, (req ?? {}) as ApiRequest<typeof m>);
  }
  return client;
}
