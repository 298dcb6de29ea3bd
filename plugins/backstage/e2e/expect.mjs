// What the cards must show for a ServiceSummary the controller sent (same rules as src/components/common/format.ts).

export const MISSING = '—';

export function percent(ratio, digits) {
  return ratio === null || ratio === undefined ? MISSING : `${Number((ratio * 100).toFixed(digits))}%`;
}

/** Texts the SLO and GPU cards must contain for `service`. */
export function expectedCardTexts(service) {
  const texts = [];
  for (const slo of service.slos) {
    texts.push(slo.title, `Attainment: ${percent(slo.attainment, 3)}`, `Error budget left: ${percent(slo.errorBudgetRemaining, 1)}`);
    if (slo.source.url) texts.push(slo.source.url);
  }
  if (service.gpu.present && service.gpu.devices.some(d => d.kind === 'gpu')) {
    for (const d of service.gpu.devices.filter(x => x.kind === 'gpu')) texts.push(`${d.replica} ${d.device} utilisation: ${d.utilization === null ? 'no reading' : percent(d.utilization, 0)}`);
  } else {
    texts.push('No GPU on this service');
    if (service.gpu.message) texts.push(service.gpu.message);
  }
  if (service.gpu.source.url) texts.push(service.gpu.source.url);
  return texts;
}

/** Polls `read()` until `check(value)` returns no missing items, or fails after `timeoutMs` naming them. */
export async function eventually(read, check, { timeoutMs = 30_000, what }) {
  const deadline = Date.now() + timeoutMs;
  let missing = [];
  for (;;) {
    missing = check(await read());
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${what}: still missing after ${timeoutMs / 1000}s: ${missing.map(m => JSON.stringify(m)).join(', ')}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
