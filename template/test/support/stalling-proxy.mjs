// Network stand-ins for a DynamoDB that stops answering, in front of the real emulator:
//   startSilentServer()  accepts TCP connections and never sends a byte (a hung endpoint);
//   startProxy(upstream, { stall })  forwards each request to dynalite, except those that
//     `stall(operation, count)` picks, which it holds open forever. `operation` is the
//     DynamoDB action (PutItem, UpdateItem, …), `count` how often it has been seen, from 1.
// `stop()` closes every connection, so a test never leaves a socket open behind it.
import http from 'node:http';
import net from 'node:net';

export async function startSilentServer() {
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = net.createServer((socket) => sockets.add(socket));
  return listen(server, sockets, { connections: () => sockets.size });
}

/**
 * @param {string} upstream  dynalite's endpoint
 * @param { { stall?: (operation: string, count: number) => boolean } } [options]
 */
export async function startProxy(upstream, { stall = () => false } = {}) {
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  /** @type {Record<string, number>} */
  const seen = {};
  /** @type {string[]} */
  const stalled = [];
  const server = http.createServer((request, response) => {
    const operation = /** @type {string} */ (String(request.headers['x-amz-target'] ?? '').split('.').pop());
    seen[operation] = (seen[operation] ?? 0) + 1;
    if (stall(operation, seen[operation])) {
      stalled.push(operation);
      request.resume(); // read the request, never answer it
      return;
    }
    const forwarded = http.request(`${upstream}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(/** @type {number} */ (answer.statusCode), answer.headers);
      answer.pipe(response);
    });
    request.pipe(forwarded);
  });
  return listen(server, sockets, { seen, stalled });
}

/**
 * @template E
 * @param {import('node:net').Server} server
 * @param {Set<import('node:net').Socket>} sockets
 * @param {E} extra  what the caller adds to the handle
 */
async function listen(server, sockets, extra) {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await /** @type {Promise<void>} */ (new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)));
  return {
    endpoint: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
    ...extra,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
