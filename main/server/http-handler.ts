/**
 * Plain HTTP requests: the page and its assets under `/t/<token>/`, and the API, whose token comes
 * from a header only (a cross-site request cannot set one) with `application/json` bodies only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isApiMethod, toWireError } from '../../core/api';
import type { ServeContext } from './context';
import { contentSecurityPolicy } from './csp';
import { checkHostAndOrigin, isJsonContentType, parseTarget } from './request-guard';
import { BodyError, readBoundedBody } from './request-body';
import { BASE_HEADERS, UNAUTHORIZED, sendError, sendJson, sendText } from './responses';
import { readStatic } from './static-files';
import { TOKEN_PATH_PREFIX, headerToken, splitTokenPath, tokenMatches } from './token';

export async function handleRequest(cx: ServeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseTarget(req);
  if (!url) return sendText(res, 400, 'bad request target\n');
  const guard = checkHostAndOrigin(req, cx.hosts);
  if (!guard.ok) return sendText(res, guard.status, `${guard.status}: ${guard.message}\n`);
  const { token: pathToken, rest } = splitTokenPath(url.pathname);

  if (rest.startsWith('/api/')) {
    if (!tokenMatches(headerToken(req), cx.token) || (pathToken !== null && !tokenMatches(pathToken, cx.token))) {
      return sendJson(res, 401, { error: { code: 'unauthorized', message: UNAUTHORIZED.trim() } });
    }
    return handleApi(cx, req, res, rest.slice('/api/'.length));
  }
  if (pathToken === null) {
    // The printed URL of older versions, `/?token=…`: move to the token path once it matches.
    if (url.pathname === '/' && tokenMatches(url.searchParams.get('token'), cx.token)) {
      res.writeHead(303, { ...BASE_HEADERS, location: `${TOKEN_PATH_PREFIX}${cx.token}/` }).end();
      return;
    }
    return sendText(res, 401, UNAUTHORIZED);
  }
  if (!tokenMatches(pathToken, cx.token)) return sendText(res, 401, UNAUTHORIZED);
  return serveStatic(cx, req, res, rest);
}

async function serveStatic(cx: ServeContext, req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...BASE_HEADERS, allow: 'GET, HEAD' }).end();
    return;
  }
  const file = await readStatic(cx.staticDir, rest);
  if (!file) return sendText(res, 404, `The studio's page is not built (looked in ${cx.staticDir}): run \`npm run build\`.\n`);
  res.writeHead(200, { ...BASE_HEADERS, 'content-type': file.type, 'content-security-policy': contentSecurityPolicy() });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

async function handleApi(cx: ServeContext, req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405, { ...BASE_HEADERS, allow: 'POST' }).end();
    return;
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    return sendError(res, 415, 'invalid-request', `${method}: the API takes application/json only`);
  }
  if (!isApiMethod(method)) return sendError(res, 404, 'unknown-method', `no API method "${method}"`);
  let text: string;
  try {
    text = await readBoundedBody(req, cx.maxBodyBytes, cx.budget);
  } catch (e) {
    const status = e instanceof BodyError ? e.status : 400;
    res.setHeader('connection', 'close');
    return sendError(res, status, status === 413 ? 'too-large' : status === 503 ? 'busy' : 'invalid-request', `${method}: ${(e as Error).message}`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text || '{}');
  } catch (e) {
    return sendError(res, 400, 'invalid-request', `${method}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    sendJson(res, 200, { result: await cx.backend.call(method, payload) });
  } catch (e) {
    const error = toWireError(e);
    sendJson(res, error.code === 'internal' ? 500 : 400, { error });
  }
}
