// The upstream of the proxy benchmark: a fixed /v1/recommend answer after a fixed delay
// (LATENCY_MS, default 1), in its own process. Prints `listening on http://127.0.0.1:<port>`.
import http from 'node:http';

const latency = Number(process.env.LATENCY_MS ?? 1);
const body = JSON.stringify({
  items: Array.from({ length: 10 }, (_, i) => ({ itemId: `i-${i}`, score: 1 - i / 10 })),
  model: 'bench',
  modelVersion: 'v1',
  degraded: false,
  replica: 'bench-upstream',
});
const answer = (res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => (latency > 0 ? setTimeout(answer, latency, res) : answer(res)));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
