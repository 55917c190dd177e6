// Opens N graphql-transport-ws sockets, each authenticated (connection_init with a token,
// acknowledged) and holding one status subscription, and keeps them open until stdin closes.
// Prints "open N" once all are acknowledged and subscribed. Used by bench/ws-idle.
import { createRequire } from 'node:module';

// The `ws` package pinned for the tests (tests/clients/ws, installed by `npm ci` there).
const require = createRequire(new URL('../tests/clients/ws/package.json', import.meta.url));
const WebSocket = require('ws');

const [url, token, count] = [process.env.WS_URL, process.env.WS_TOKEN, Number(process.env.WS_COUNT)];
const query = 'subscription { applicationStatusChanged { cursor toStatus } }';
const sockets = [];

function open() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(data);
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query } }));
        resolve(socket);
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
    socket.on('close', (code, reason) => reject(new Error(`closed ${code} ${reason}`)));
    socket.on('error', reject);
  });
}

// A few at a time, as clients arrive.
for (let i = 0; i < count; i += 50) {
  const batch = Array.from({ length: Math.min(50, count - i) }, open);
  sockets.push(...(await Promise.all(batch)));
}
process.stdout.write(`open ${sockets.length}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
