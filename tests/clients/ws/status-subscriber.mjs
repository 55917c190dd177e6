// The stock graphql-ws client subscribed to status changes, for tests/api/ws_protocol.rs.
// WS_URLS: server copies, comma-separated: the first connection goes to the first, every
// reconnection to the next (the last one is kept). WS_TOKEN: an access token.
// Prints one JSON line per event, connection and close; exits when stdin closes.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const urls = process.env.WS_URLS.split(',');
let connections = 0;
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

// The client sends this same object again on every reconnection, so moving `after` to the
// last event seen resumes the subscription where it stopped.
const payload = {
  query:
    'subscription($after: String) { applicationStatusChanged(after: $after) { cursor toStatus } }',
  variables: { after: null },
};

const client = createClient({
  url: () => urls[Math.min(connections++, urls.length - 1)],
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${process.env.WS_TOKEN}` },
  retryAttempts: 20,
  retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
  on: {
    connected: (socket) => print({ connected: socket.url }),
    closed: (event) => print({ closed: event.code }),
  },
});

client.subscribe(payload, {
  next: (result) => {
    const event = result.data?.applicationStatusChanged;
    if (event) payload.variables.after = event.cursor;
    print({ next: result });
  },
  error: (error) => {
    print({ error: String(error?.message ?? error?.code ?? JSON.stringify(error)) });
    process.exit(1);
  },
  complete: () => print({ complete: true }),
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
