/**
 * The SLO specs' selectors evaluated on scraped samples, the way Prometheus would evaluate them on
 * the same series: every matcher must hold (regexes anchored), and the scrape job (`job`) and
 * target labels (`replica`, `zone`) are attached to a target's samples as Prometheus would.
 */
import type { SloModel } from '@drillbook/alerts';
import type { Sample } from '../engine/promText.js';

type Selector = SloModel['events'];
type Matcher = Selector['matchers'][number];

const regexCache = new Map<string, RegExp>();
const anchored = (re: string) => {
  let r = regexCache.get(re);
  if (!r) regexCache.set(re, (r = new RegExp(`^(?:${re})$`)));
  return r;
};

export function matcherHolds(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value).test(v);
    case '!~':
      return !anchored(m.value).test(v);
  }
}

export function selects(sel: Selector, s: Sample, targetLabels: Record<string, string>): boolean {
  if (s.name !== sel.metric) return false;
  const labels = { ...s.labels, ...targetLabels };
  return sel.matchers.every((m) => matcherHolds(m, labels));
}

/** Sum of the samples a selector selects; null when it selects nothing. */
export function sumSelected(sel: Selector, samples: Sample[], targetLabels: Record<string, string>): number | null {
  let sum = 0;
  let found = false;
  for (const s of samples) {
    if (!selects(sel, s, targetLabels)) continue;
    sum += s.value;
    found = true;
  }
  return found ? sum : null;
}
