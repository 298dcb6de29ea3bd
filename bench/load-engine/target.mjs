// The trivial endpoint the load-engine benchmark drives: a fixed RecommendResponse for every
// POST /v1/recommend and 200 on /readyz. Runs in its own process so the engine's CPU is measured
// alone. Prints `listening on http://127.0.0.1:<port>` once ready.
import http from 'node:http';

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
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
