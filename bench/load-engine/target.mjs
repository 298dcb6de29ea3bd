// The endpoint the load-engine benchmark drives: a fixed RecommendResponse for every
// POST /v1/recommend and 200 on /readyz. Runs in its own process so the engine's CPU is measured
// alone. Prints `listening on http://127.0.0.1:<port>` once ready.
//
// SERVICE_MS (default 0): the median service time of a recommender. Each answer is held for a time
// drawn from a log-normal distribution (median SERVICE_MS, sigma 0.5: p99 about 3.2x the median)
// from a seeded generator; `POST /__reseed` restarts the sequence, so each engine's run meets the
// same sequence of service times. With 0 every answer goes out at once (the engine's own overhead
// dominates what it measures).
import http from 'node:http';

const SERVICE_MS = Number(process.env.SERVICE_MS ?? 0);
let seed = 1;
/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function uniform() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
/** Log-normal service time in ms: median SERVICE_MS, sigma 0.5 (Box-Muller). */
function serviceMs() {
  const u = 1 - uniform();
  const v = uniform();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return SERVICE_MS * Math.exp(0.5 * z);
}

const body = JSON.stringify({
  items: Array.from({ length: 10 }, (_, i) => ({ itemId: `i-${i}`, score: 1 - i / 10 })),
  model: 'bench',
  modelVersion: 'v1',
  degraded: false,
  replica: 'bench-target',
});
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ready":true}');
    return;
  }
  if (req.url === '/__reseed') {
    seed = 1;
    res.writeHead(204).end();
    return;
  }
  req.resume();
  req.on('end', () => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (SERVICE_MS > 0) setTimeout(answer, serviceMs());
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
