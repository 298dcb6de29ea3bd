/** Step: per-second series for charts (seconds since the first request). */
import type { Scorecard } from '@drillbook/contracts';
import type { LoadSample } from '../../load/index.js';
import { p99 } from './recovery.js';
import { round } from './util.js';

export function seriesStep(samples: readonly LoadSample[]): Scorecard['series'] {
  const endMs = samples.length ? samples[samples.length - 1].t + 1 : 0;
  const seconds = Math.ceil(endMs / 1000);
  const series: Scorecard['series'] = { t: [], rps: [], errorRate: [], p99Ms: [], degradedShare: [] };
  let k = 0;
  for (let s = 0; s < seconds; s++) {
    const lat: number[] = [];
    let errors = 0;
    let degraded = 0;
    while (k < samples.length && samples[k].t < (s + 1) * 1000) {
      lat.push(samples[k].ms);
      if (!samples[k].ok) errors++;
      if (samples[k].degraded) degraded++;
      k++;
    }
    series.t.push(s);
    series.rps.push(lat.length);
    series.errorRate.push(lat.length ? round(errors / lat.length) : null);
    series.p99Ms.push(lat.length ? round(p99(lat), 2) : null);
    series.degradedShare.push(lat.length ? round(degraded / lat.length) : null);
  }

  return series;
}
