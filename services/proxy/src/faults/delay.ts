/** Draw an added delay from a latency fault's distribution (milliseconds, clamped to [0, PROXY_MAX_DELAY_MS]). */
import { PROXY_MAX_DELAY_MS, type ProxyDelay } from '@drillbook/contracts';

/** A standard normal draw (Box-Muller). */
function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function sampleDelayMs(d: ProxyDelay, rand: () => number = Math.random): number {
  let v: number;
  switch (d.distribution) {
    case 'fixed':
      v = d.ms;
      break;
    case 'uniform':
      v = d.minMs + rand() * (d.maxMs - d.minMs);
      break;
    case 'normal':
      v = d.meanMs + gauss(rand) * d.stddevMs;
      break;
    case 'lognormal':
      v = d.medianMs * Math.exp(d.sigma * gauss(rand));
      break;
    case 'exponential':
      v = -Math.log(Math.max(rand(), 1e-12)) * d.meanMs;
      break;
  }
  return Math.min(PROXY_MAX_DELAY_MS, Math.max(0, v));
}
