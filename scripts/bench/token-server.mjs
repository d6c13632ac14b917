// The loopback token endpoint of `npm run bench` row 4, run as a child process (fork, with an IPC channel).
// A separate process keeps the server's own CPU work off the measured event loop: in one process every request's
// server-side parsing and response writing would be added to both sides of the comparison, diluting the client's
// overhead in the ratio; here, as with a real remote server, the measured process only pays for the client.
// The server answers every POST with the same small token response. On request it records the next request it gets
// (method, URL, headers, body) so the bench can check that the generated client and raw fetch send the same bytes.
import { createServer } from 'node:http';

const TOKEN = JSON.stringify({
  access_token: 'b'.repeat(43),
  token_type: 'Bearer',
  expires_in: 3600,
  scope: 'bensoft_api mbi_api',
});
let captureNext = false;
let requests = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    requests += 1;
    if (captureNext) {
      captureNext = false;
      process.send({
        type: 'captured',
        request: {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        },
      });
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(TOKEN),
    });
    res.end(TOKEN);
  });
});
server.keepAliveTimeout = 60_000;

process.on('message', (message) => {
  if (message === 'capture') {
    captureNext = true;
    process.send({ type: 'capturing' });
  } else if (message === 'count') {
    process.send({ type: 'count', requests });
  } else if (message === 'close') {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
