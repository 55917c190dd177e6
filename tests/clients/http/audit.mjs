// The GraphQL-over-HTTP audit suite (graphql-http's serverAudits) against the server at the
// URL given: one line per audit, and exit status 1 unless every audit is `ok` (warnings and
// notices included). Run by tests/api/http_audit.rs.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const audits = serverAudits({ url });
let ok = 0;
for (const audit of audits) {
  const result = await audit.fn();
  if (result.status === 'ok') {
    ok += 1;
    console.log(`ok ${result.id} ${result.name}`);
  } else {
    console.log(`${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}`);
  }
}
console.log(`audits ok: ${ok} of ${audits.length}`);
process.exit(ok === audits.length ? 0 : 1);
