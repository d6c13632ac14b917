import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fault server does with one request. */
export type Fault =
  | { kind: 'respond'; status: number; body: string; headers?: Record<string, string> }
  /** Sends headers and part of the body, then destroys the connection. */
  | { kind: 'reset-mid-body'; status: number; partialBody: string }
  /** Destroys the connection without answering. */
  | { kind: 'reset' }
  /** Never answers (until the server closes). */
  | { kind: 'hang' };

export const ok = (body: object, headers: Record<string, string> = {}): Fault => ({ kind: 'respond', status: 200, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
export const json = (status: number, body: object, headers: Record<string, string> = {}): Fault => ({ kind: 'respond', status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

/**
 * A node:http server on 127.0.0.1 (port 0) whose answers are scripted per request: a queue of faults, then a
 * fallback. It records every request's decoded form body. `close()` destroys open sockets, hanging ones included.
 */
export async function startFaultServer(fallback: Fault = ok({ access_token: 'fallback-token', token_type: 'Bearer', expires_in: 3600 })) {
  const queue: Fault[] = [];
  const requests: Array<{ path: string; form: Record<string, string>; headers: IncomingMessage['headers'] }> = [];
  const sockets = new Set<Socket>();
  let delayMs = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) });
      const fault = queue.shift() ?? fallback;
      const act = () => {
        switch (fault.kind) {
          case 'respond':
            res.writeHead(fault.status, fault.headers).end(fault.body);
            break;
          case 'reset-mid-body':
            res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': String(fault.partialBody.length + 100) });
            res.write(fault.partialBody, () => setTimeout(() => req.socket.destroy(), 5));
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
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
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
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A loopback URL on which nothing listens: connections are refused. */
export async function refusedBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
