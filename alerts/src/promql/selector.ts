/**
 * The small part of PromQL the SLO specs use: instant vector selectors with label matchers, inside
 * `sum(rate(<selector>[{{.window}}]))`. Parsing the queries (instead of pasting them as text) is what
 * lets the generator add the synthetic-traffic matcher, lint histogram buckets and synthesize
 * promtool input series that a query really selects.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** The window placeholder of Sloth and OpenSLO queries. */
export const WINDOW_PLACEHOLDER = '{{.window}}';

export class PromqlSyntaxError extends Error {}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const WINDOW = /^\[\s*\{\{\s*\.window\s*\}\}\s*\]/;

class Cursor {
  pos = 0;
  constructor(readonly src: string) {}
  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }
  rest(): string {
    return this.src.slice(this.pos);
  }
  eat(token: string): boolean {
    this.ws();
    if (this.src.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }
  expect(token: string, what: string): void {
    if (!this.eat(token)) this.fail(`expected ${what}`);
  }
  match(re: RegExp): string | null {
    this.ws();
    const m = re.exec(this.rest());
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }
  fail(message: string): never {
    const near = this.rest().slice(0, 24);
    throw new PromqlSyntaxError(`${message} at character ${this.pos + 1}${near ? ` (near ${JSON.stringify(near)})` : ' (at the end)'}`);
  }
}

function parseString(c: Cursor): string {
  c.ws();
  const quote = c.src[c.pos];
  if (quote === '`') {
    const end = c.src.indexOf('`', c.pos + 1);
    if (end < 0) c.fail('unterminated string');
    const value = c.src.slice(c.pos + 1, end);
    c.pos = end + 1;
    return value;
  }
  if (quote !== '"' && quote !== "'") c.fail('expected a quoted label value');
  let out = '';
  let i = c.pos + 1;
  for (; i < c.src.length; i++) {
    const ch = c.src[i];
    if (ch === quote) {
      c.pos = i + 1;
      return out;
    }
    if (ch === '\\') {
      const next = c.src[++i];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
      if (next === undefined) break;
      out += escapes[next] ?? `\\${next}`;
      continue;
    }
    out += ch;
  }
  c.pos = i;
  return c.fail('unterminated string');
}

function parseSelectorAt(c: Cursor): Selector {
  const metric = c.match(NAME);
  if (!metric) c.fail('expected a metric name');
  const matchers: Matcher[] = [];
  if (c.eat('{')) {
    while (!c.eat('}')) {
      const label = c.match(LABEL);
      if (!label) c.fail('expected a label name');
      const op = c.match(/^(=~|!~|!=|=)/) as MatchOp | null;
      if (!op) c.fail(`expected =, !=, =~ or !~ after ${label}`);
      matchers.push({ label, op, value: parseString(c) });
      if (!c.eat(',')) {
        c.expect('}', '"," or "}"');
        break;
      }
    }
  }
  return { metric, matchers };
}

/** Parses a bare selector such as `http_server_request_duration_seconds_count{job="x"}`. */
export function parseSelector(src: string): Selector {
  const c = new Cursor(src);
  const sel = parseSelectorAt(c);
  c.ws();
  if (c.pos !== src.length) c.fail('unexpected text after the selector');
  return sel;
}

/**
 * Parses `sum(rate(<selector>[{{.window}}]))`, the one query shape an SLO indicator may use: one
 * label-less series per window, which the ratio, the minimum-traffic guard and the generated
 * promtool tests all rely on.
 */
export function parseRateQuery(src: string): Selector {
  const c = new Cursor(src);
  c.expect('sum', '"sum(rate(<selector>[{{.window}}]))"');
  c.expect('(', '"(" after sum (no "by"/"without": the SLI must be one series)');
  c.expect('rate', '"rate(" inside sum(...)');
  c.expect('(', '"(" after rate');
  const sel = parseSelectorAt(c);
  c.ws();
  if (!WINDOW.test(c.rest())) c.fail('expected the range "[{{.window}}]" after the selector');
  c.pos += WINDOW.exec(c.rest())![0].length;
  c.expect(')', '")" closing rate(...)');
  c.expect(')', '")" closing sum(...)');
  c.ws();
  if (c.pos !== src.length) c.fail('unexpected text after sum(rate(...))');
  return sel;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

export function renderSelector(sel: Selector): string {
  if (sel.matchers.length === 0) return sel.metric;
  return `${sel.metric}{${sel.matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(',')}}`;
}

/** `sum(rate(<selector>[<window>]))` */
export function renderRate(sel: Selector, window: string): string {
  return `sum(rate(${renderSelector(sel)}[${window}]))`;
}

/** Prometheus anchors regular expressions at both ends. */
function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}

/** Whether a label set (absent label = empty value, as in Prometheus) satisfies one matcher. */
export function matches(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return fullMatch(m.value, v);
    case '!~':
      return !fullMatch(m.value, v);
  }
}

/** Whether a series (metric name + labels) is selected by a selector. */
export function selects(sel: Selector, metric: string, labels: Record<string, string>): boolean {
  return sel.metric === metric && sel.matchers.every((m) => matches(m, labels));
}
