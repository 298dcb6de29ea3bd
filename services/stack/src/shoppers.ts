/**
 * Background shopper traffic for the embedded stack: a low, steady open-model rate of requests
 * drawn from the synthetic world's held-out sessions, WITHOUT the synthetic header — this is the
 * "real user" traffic live SLOs, alerts and the catalogue measure while drills run their own,
 * synthetic-labelled load. Requests carry the session's purchase as ground truth, so served ranking
 * quality (and canary analysis) has something to score.
 *
 * Env: GATEWAY_URL, SHOPPER_RATE (req/s, default 5), SESSIONS_FILE.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { GROUND_TRUTH_HEADER, type LoadSessionsFile } from '@drillbook/contracts';

const url = new URL(process.env.GATEWAY_URL ?? '');
const rate = Number(process.env.SHOPPER_RATE ?? '5');
if (!(rate > 0 && rate <= 1000)) {
  process.stderr.write(`SHOPPER_RATE must be in (0, 1000], got ${process.env.SHOPPER_RATE}\n`);
  process.exit(2);
}
const sessions = (JSON.parse(readFileSync(process.env.SESSIONS_FILE ?? '', 'utf8')) as LoadSessionsFile).training;
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
let i = Math.floor(Math.random() * sessions.length);
let sent = 0;
let failed = 0;

function shop(): void {
  const t = sessions[i++ % sessions.length];
  const body = JSON.stringify({ userId: t.userId, query: t.query, k: 10 });
  const req = http.request(
    {
      agent,
      host: url.hostname,
      port: url.port,
      path: '/v1/recommend',
      method: 'POST',
      timeout: 2000,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [GROUND_TRUTH_HEADER]: t.groundTruth.join(',') },
    },
    (res) => {
      res.resume();
      if (res.statusCode !== 200) failed++;
    },
  );
  req.on('timeout', () => req.destroy());
  req.on('error', () => failed++);
  req.end(body);
  sent++;
}

const start = Date.now();
function tick(): void {
  const due = Math.floor(((Date.now() - start) / 1000) * rate);
  while (sent < due) shop();
  setTimeout(tick, Math.max(5, 1000 / rate / 2));
}
process.stdout.write(`shoppers sending to ${url.origin} at ${rate} req/s\n`);
tick();
setInterval(() => process.stdout.write(`shoppers: sent ${sent}, failed ${failed}\n`), 60_000).unref();
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (process.send) process.on('disconnect', stop);
