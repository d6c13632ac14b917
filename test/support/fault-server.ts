import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fault server does with one request. */
export type Fault =
  | { kind: 'respond'; status: number; body: string; headers?: Record<string, string> }
  /** Sends headers (promising a longer body) and part of the body, then destroys the connection. */
  | { kind: 'reset-mid-body'; status: number; partialBody: string }
  /** Sends headers (promising a longer body) and part of the body, then nothing more. */
  | { kind: 'stall-mid-body'; status: number; partialBody: string }
  /** Destroys the connection without answering. */
  | { kind: 'reset' }
  /** Never answers (until the server closes). */
  | { kind: 'hang' };

/** One request as the server received it. */
export interface RecordedFaultRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The body decoded as application/x-www-form-urlencoded (last value wins). */
  form: Record<string, string>;
  rawBody: string;
}

export const ok = (body: object, headers: Record<string, string> = {}): Fault => ({
  kind: 'respond',
  status: 200,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
export const json = (status: number, body: object, headers: Record<string, string> = {}): Fault => ({
  kind: 'respond',
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
/** A proxy's HTML error page, e.g. 502 Bad Gateway. */
export const htmlPage = (status: number, title: string): Fault => ({
  kind: 'respond',
  status,
  body: `<html><head><title>${title}</title></head><body><h1>${status} ${title}</h1></body></html>`,
  headers: { 'content-type': 'text/html' },
});
/** A 200 whose JSON is cut off. */
export const truncatedJson = (body: object, keep = 0.6): Fault => {
  const text = JSON.stringify(body);
  return {
    kind: 'respond',
    status: 200,
    body: text.slice(0, Math.floor(text.length * keep)),
    headers: { 'content-type': 'application/json' },
  };
};
/** A 429 or 503 with `Retry-After`. */
export const throttled = (
  status: 429 | 503,
  retryAfter: string,
  body: object = status === 429 ? { error: 'slow_down' } : {},
): Fault => json(status, body, { 'retry-after': retryAfter });

/**
 * A node:http server on 127.0.0.1 (port 0) whose answers are scripted per request: a queue of faults, then a
 * fallback. It records every request (method, path, headers, decoded form body). `close()` destroys every
 * connection, hanging ones included, and stops listening.
 */
export async function startFaultServer(
  fallback: Fault = ok({ access_token: 'fallback-token', token_type: 'Bearer', expires_in: 3600 }),
) {
  const queue: Fault[] = [];
  const requests: RecordedFaultRequest[] = [];
  const sockets = new Set<Socket>();
  let delayMs = 0;
  let connections = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        form: Object.fromEntries(new URLSearchParams(rawBody)),
        rawBody,
      });
      const fault = queue.shift() ?? fallback;
      const act = () => {
        switch (fault.kind) {
          case 'respond':
            res.writeHead(fault.status, fault.headers).end(fault.body);
            break;
          case 'reset-mid-body':
            res.writeHead(fault.status, {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(fault.partialBody) + 100),
            });
            res.write(fault.partialBody, () => setTimeout(() => req.socket.destroy(), 5));
            break;
          case 'stall-mid-body':
            res.writeHead(fault.status, {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(fault.partialBody) + 100),
            });
            res.write(fault.partialBody);
            break;
          case 'reset':
            req.socket.destroy();
            break;
          case 'hang':
            break;
        }
      };
      if (delayMs > 0) setTimeout(act, delayMs);
      else act();
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    /** Every request received since the last reset(), in order. */
    requests,
    /** Requests received since the last reset(): the attempts the client made. */
    get attempts() {
      return requests.length;
    },
    /** TCP connections accepted since the start. */
    get connections() {
      return connections;
    },
    /** Faults still queued. */
    get pending() {
      return queue.length;
    },
    /** Queues faults for the next requests, in order. */
    script: (...faults: Fault[]) => void queue.push(...faults),
    /** Delays every answer (a slow server). */
    setDelay: (ms: number) => void (delayMs = ms),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      delayMs = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export type FaultServer = Awaited<ReturnType<typeof startFaultServer>>;

/** A loopback URL on which nothing listens: connections are refused. */
export async function refusedBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
