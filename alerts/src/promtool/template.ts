/**
 * Renders the few Prometheus template forms the generated annotations use, so the generated
 * promtool tests can state the exact annotations an alert fires with. Any other template form is
 * refused at generation time rather than guessed.
 */
import { GenerationError } from '../errors.js';

/** Go's `%.4g`, as Prometheus' humanize functions print. */
export function goG4(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 4) {
    const [m, e] = v.toExponential(3).split('e');
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = v.toPrecision(4);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const FORMS: Array<[RegExp, (m: RegExpExecArray, labels: Record<string, string>, value: number) => string]> = [
  [/^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/, (m, labels) => labels[m[1]] ?? ''],
  [/^\$value \| humanizePercentage$/, (_m, _l, v) => `${goG4(v * 100)}%`],
  [/^printf "%\.(\d)f" \$value$/, (m, _l, v) => v.toFixed(Number(m[1]))],
];

export function renderTemplate(template: string, labels: Record<string, string>, value: number): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_all, inner: string) => {
    for (const [re, render] of FORMS) {
      const m = re.exec(inner);
      if (m) return render(m, labels, value);
    }
    throw new GenerationError(`unsupported template {{ ${inner} }} in an annotation (supported: $labels.<name>, $value | humanizePercentage, printf "%.Nf" $value)`);
  });
}
