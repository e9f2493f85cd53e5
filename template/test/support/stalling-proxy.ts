// Network stand-ins for a DynamoDB that stops answering, in front of the real emulator:
//   startSilentServer()  accepts TCP connections and never sends a byte (a hung endpoint);
//   startProxy(upstream, { stall })  forwards each request to dynalite, except those that
//     `stall(operation, count)` picks, which it holds open forever. `operation` is the
//     DynamoDB action (PutItem, UpdateItem, …), `count` how often it has been seen, from 1.
// `stop()` closes every connection, so a test never leaves a socket open behind it.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export async function startSilentServer() {
  const sockets: Set<Socket> = new Set();
  const server = net.createServer((socket) => sockets.add(socket));
  return listen(server, sockets, { connections: () => sockets.size });
}

/**
 * @param upstream dynalite's endpoint
 */
export async function startProxy(upstream: string, { stall = () => false }: {
  stall?: (operation: string, count: number) => boolean;
} = {}) {
  const sockets: Set<Socket> = new Set();
  const seen: Record<string, number> = {};
  const stalled: string[] = [];
  const server = http.createServer((request, response) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.').pop() as string;
    seen[operation] = (seen[operation] ?? 0) + 1;
    if (stall(operation, seen[operation])) {
      stalled.push(operation);
      request.resume(); // read the request, never answer it
      return;
    }
    const forwarded = http.request(`${upstream}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead((answer.statusCode as number), answer.headers);
      answer.pipe(response);
    });
    request.pipe(forwarded);
  });
  return listen(server, sockets, { seen, stalled });
}

/**
 * @param extra what the caller adds to the handle
 */
async function listen<E>(server: Server, sockets: Set<Socket>, extra: E) {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await (new Promise((resolve) => server.listen(0, '127.0.0.1', resolve)) as Promise<void>);
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...extra,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
