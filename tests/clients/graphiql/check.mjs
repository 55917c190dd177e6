// Loads careergraph's GraphiQL in headless Chromium (Debian's, at $CHROMIUM) and reports, as
// one JSON object on stdout: requests to another origin, Content-Security-Policy violations,
// whether the editor rendered, the result of running the stored query through the UI, the
// Authorization header GraphiQL sent and the connection_init payload of its WebSocket.
//
//   CHROMIUM=/usr/bin/chromium TOKEN=<accessToken> QUERY='{ __typename }' node check.mjs <url>
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const url = process.argv[2];
const origin = new URL(url).origin;
const token = process.env.TOKEN ?? '';
const query = process.env.QUERY ?? '{ __typename }';
const profile = mkdtempSync(join(tmpdir(), 'careergraph-chromium-'));

const report = { offsite: [], violations: [], errors: [], console: [], editor: false, result: null, authorization: null, connectionInit: null };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  userDataDir: profile,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
try {
  const page = await browser.newPage();
  page.on('request', (request) => {
    const target = request.url();
    if (!target.startsWith('data:') && new URL(target).origin !== origin) {
      report.offsite.push(target);
    }
    if (request.method() === 'POST' && new URL(target).pathname === '/graphql') {
      const body = request.postData() ?? '';
      if (!body.includes('IntrospectionQuery')) {
        report.authorization = request.headers().authorization ?? null;
      }
    }
  });
  page.on('console', (message) => {
    report.console.push(message.text());
    if (/Content.Security.Policy|Refused to/i.test(message.text())) {
      report.violations.push(message.text());
    }
  });
  page.on('pageerror', (error) => report.errors.push(String(error)));
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameSent', ({ response }) => {
    try {
      const message = JSON.parse(response.payloadData);
      if (message.type === 'connection_init') {
        report.connectionInit = message.payload ?? {};
      }
    } catch {
      // Not JSON: not ours to judge.
    }
  });
  await page.evaluateOnNewDocument(
    (token, query) => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window.__violations ??= []).push(`${event.violatedDirective} ${event.blockedURI}`);
      });
      if (!window.localStorage.getItem('careergraph.checked')) {
        window.localStorage.setItem('careergraph.checked', '1');
        window.localStorage.setItem('careergraph.accessToken', token);
        window.localStorage.setItem('graphiql:query', query);
      }
    },
    token,
    query,
  );
  await page.goto(url, { waitUntil: 'networkidle0', timeout: 30000 });
  await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror', { timeout: 20000 });
  report.editor = true;
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => (document.querySelector('.result-window')?.innerText ?? '').includes('"data"'),
    { timeout: 20000 },
  );
  report.result = await page.$eval('.result-window', (element) => element.innerText);

  // A subscription through the UI: its WebSocket's connection_init carries the token.
  await page.evaluate(() => {
    const editor = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
    editor.setValue('subscription { heartbeat(intervalSeconds: 1) }');
  });
  // GraphiQL parses the editor's text after a pause: run only once it has.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => (document.querySelector('.result-window')?.innerText ?? '').includes('heartbeat'),
    { timeout: 20000 },
  );
  report.violations.push(...((await page.evaluate(() => window.__violations)) ?? []));
} catch (error) {
  report.errors.push(String(error));
  report.screen = await browser
    .pages()
    .then((pages) => pages.at(-1)?.$eval('.result-window', (element) => element.innerText))
    .catch(() => null);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report));
