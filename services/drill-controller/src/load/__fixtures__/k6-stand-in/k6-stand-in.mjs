// A stand-in for `k6 run`, used by the k6 runner's tests where k6 is not installed. It is NOT k6:
// it replays the files real k6 v0.48 wrote (../k6/<run>/handle-summary.json and points.ndjson.gz)
// to the paths the runner asked for, with k6's exit codes, so the runner's plumbing (command line,
// --out json tailing, handleSummary file, exit-code mapping, SIGINT on stop) is exercised for real.
//
// Environment (set by the tests):
//   FAKE_K6_FIXTURE   folder with handle-summary.json and points.ndjson.gz (required)
//   FAKE_K6_EXIT      exit code at the end (default: 99 when a threshold in the summary failed, else 0)
//   FAKE_K6_SPEED     replay this many times faster than recorded, pacing lines in real time;
//                     0 (default) writes every line at once, timed as if the run just ended
//   FAKE_K6_NO_SUMMARY=1  exit without writing the summary;  FAKE_K6_NO_POINTS=1  write no points
//   FAKE_K6_STDERR    text to print on stderr before exiting
import { createReadStream, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';

const argv = process.argv.slice(2);
writeFileSync(join(process.cwd(), 'k6-argv.json'), JSON.stringify(argv));
const env = {};
let out = null;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '-e') {
    const [k, ...v] = argv[++i].split('=');
    env[k] = v.join('=');
  } else if (argv[i] === '--out') {
    out = argv[++i].replace(/^json=/, '');
  }
}
const fixture = process.env.FAKE_K6_FIXTURE;
const summary = readFileSync(join(fixture, 'handle-summary.json'), 'utf8');
const crossed = Object.values(JSON.parse(summary).metrics).some((m) => Object.values(m.thresholds ?? {}).some((t) => !t.ok));
const exitCode = process.env.FAKE_K6_EXIT ? Number(process.env.FAKE_K6_EXIT) : crossed ? 99 : 0;
const speed = Number(process.env.FAKE_K6_SPEED ?? 0);

function finish(code) {
  if (process.env.FAKE_K6_STDERR) process.stderr.write(`${process.env.FAKE_K6_STDERR}\n`);
  if (!process.env.FAKE_K6_NO_SUMMARY) writeFileSync(env.SUMMARY_FILE, summary);
  process.exit(code);
}
// Like k6: on SIGINT stop the test, still write the summary, exit 105.
process.on('SIGINT', () => finish(105));

const lines = [];
if (!process.env.FAKE_K6_NO_POINTS) {
  const rl = createInterface({ input: createReadStream(join(fixture, 'points.ndjson.gz')).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) lines.push(line);
}
const timeOf = (line) => {
  const m = /"time":"([^"]+)"/.exec(line);
  if (!m) return null;
  const [, head, frac = ''] = /^(.*?)(?:\.(\d+))?Z$/.exec(m[1]);
  return Date.parse(`${head}Z`) + Number(`0.${frac || '0'}`) * 1000;
};
const times = lines.map(timeOf).filter((t) => t !== null);
const first = Math.min(...times);
const last = Math.max(...times);
const start = speed > 0 ? Date.now() : Date.now() - (last - first);
const iso = (ms) => new Date(ms).toISOString().replace(/Z$/, `${String(Math.floor((ms % 1) * 1000)).padStart(3, '0')}Z`);
const shifted = (line, t) => line.replace(/"time":"[^"]+"/, `"time":"${iso(start + (t - first) / (speed || 1))}"`);

let i = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
while (i < lines.length) {
  let chunk = '';
  const now = Date.now();
  while (i < lines.length) {
    const t = timeOf(lines[i]);
    if (speed > 0 && t !== null && start + (t - first) / speed > now) break;
    chunk += `${t === null ? lines[i] : shifted(lines[i], t)}\n`;
    i++;
  }
  if (chunk) appendFileSync(out, chunk);
  if (i < lines.length) await sleep(20);
}
if (process.env.FAKE_K6_HOLD_MS) await sleep(Number(process.env.FAKE_K6_HOLD_MS));
finish(exitCode);
