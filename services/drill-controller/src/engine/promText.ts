/** Reading Prometheus text exposition: scrape a /metrics URL and sum the samples of a metric. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) for (const l of m[2].matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    out.push({ name: m[1], labels, value });
  }
  return out;
}

/** Sum of the samples of `metric` whose labels include `match`; null when no sample matches. */
export function sumMetric(samples: Sample[], metric: string, match: Record<string, string> = {}): number | null {
  let sum = 0;
  let found = false;
  for (const s of samples) {
    if (s.name !== metric) continue;
    if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
    sum += s.value;
    found = true;
  }
  return found ? sum : null;
}

export async function scrape(url: string, timeoutMs = 2000): Promise<Sample[]> {
  const res = await fetch(`${url.replace(/\/$/, '')}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return parsePromText(await res.text());
}
