/**
 * Request bodies, bounded twice: each body by `maxBytes` (answered 413 before it is read when
 * Content-Length says so, or as soon as the bytes pass it), and all bodies in flight together by a
 * shared budget (answered 503), so many concurrent large requests cannot grow the server without bound.
 */
import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(
    readonly status: 413 | 503 | 400,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Bytes reserved by bodies being read now; released when each one ends, fails or is refused. */
export class BodyBudget {
  private inFlight = 0;
  constructor(readonly totalBytes: number) {}

  take(bytes: number): boolean {
    if (this.inFlight + bytes > this.totalBytes) return false;
    this.inFlight += bytes;
    return true;
  }

  give(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
  }

  get used(): number {
    return this.inFlight;
  }
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

export function readBoundedBody(req: IncomingMessage, maxBytes: number, budget: BodyBudget): Promise<string> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new BodyError(413, `request body of ${declared} bytes is over the ${mib(maxBytes)} limit`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      budget.give(size);
      req.off('data', onData);
      if (error) {
        // Stop reading; the socket closes once the error answer is sent.
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (c: Buffer) => {
      if (size + c.length > maxBytes) return finish(new BodyError(413, `request body is over the ${mib(maxBytes)} limit`));
      if (!budget.take(c.length)) return finish(new BodyError(503, 'the server is busy reading other large requests: try again'));
      size += c.length;
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => finish(null));
    req.on('error', (e) => finish(new BodyError(400, `request body could not be read: ${e.message}`)));
    req.on('close', () => finish(new BodyError(400, 'the request was closed before its body ended')));
  });
}
