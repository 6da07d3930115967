/**
 * How much garbage one HTTP request leaves in V8's old generation — objects that survive the
 * young-generation scavenges and wait for the next mark-compact — with Node's `fetch` (undici)
 * and with `node:http`. The first tick at scale makes ~2,000 requests in ~12 s (three Linear
 * marker requests and one GitHub dispatch per run), so this decides how far the heap grows
 * before V8 collects it (bench/README.md, "Re-measured 2026-12-06 (first-tick memory)").
 *
 * Run: `node --expose-gc --max-semi-space-size=8 bench/fetch-promotion.bench.ts [requests]`
 * (Node 24 from node_modules/.bin). Prints the old-space growth per client, without a major GC
 * in between, and after one.
 */
import http from 'node:http';
import v8 from 'node:v8';

const REQUESTS = Number(process.argv[2] ?? 2000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const answer = JSON.stringify({ data: { issueUpdate: { success: true } }, padding: 'x'.repeat(500) });
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => response.setHeader('content-type', 'application/json').end(answer));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
const url = `http://127.0.0.1:${port}/graphql`;
const agent = new http.Agent({ keepAlive: true });

const clients: Record<string, (body: string) => Promise<unknown>> = {
  fetch: async (body) =>
    (await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).json(),
  'node:http': (body) =>
    new Promise((resolve, reject) => {
      const request = http.request(url, { method: 'POST', agent }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(JSON.parse(text)));
      });
      request.on('error', reject);
      request.end(body);
    }),
};

const oldSpace = () =>
  v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;
for (const [name, send] of Object.entries(clients)) {
  for (let i = 0; i < 50; i += 1) await send('{}');
  gc();
  const before = oldSpace();
  for (let i = 0; i < REQUESTS; i += 1) {
    await send(
      JSON.stringify({ query: 'mutation AiImplementUpdateIssue { x }', variables: { id: String(i) } }),
    );
  }
  const grown = oldSpace() - before;
  gc();
  console.log(
    JSON.stringify({
      client: name,
      requests: REQUESTS,
      oldSpaceGrowthMb: +(grown / 1e6).toFixed(1),
      perRequestKb: +(grown / REQUESTS / 1e3).toFixed(1),
      afterMajorGcMb: +((oldSpace() - before) / 1e6).toFixed(1),
    }),
  );
}
server.close();
agent.destroy();
