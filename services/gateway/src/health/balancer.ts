/**
 * Picking one upstream among the eligible ones. Both strategies favour the replica with the
 * fewest requests in flight, which steers traffic away from a slow or stalled replica at once.
 */
import type { BalancerKind } from '../config.js';
import type { Upstream } from './Upstream.js';

export type Pick = (candidates: readonly Upstream[], random: () => number) => Upstream | null;

/** Power of two choices: two distinct random candidates, the less loaded wins. */
export const pickP2C: Pick = (candidates, random) => {
  const n = candidates.length;
  if (n === 0) return null;
  if (n === 1) return candidates[0];
  const i = Math.floor(random() * n);
  let j = Math.floor(random() * (n - 1));
  if (j >= i) j += 1;
  const a = candidates[i];
  const b = candidates[j];
  return b.inFlight < a.inFlight ? b : a;
};

/** Least outstanding requests; ties broken at random so equal replicas share the load. */
export const pickLeastOutstanding: Pick = (candidates, random) => {
  let best: Upstream | null = null;
  let ties = 0;
  for (const u of candidates) {
    if (best === null || u.inFlight < best.inFlight) {
      best = u;
      ties = 1;
    } else if (u.inFlight === best.inFlight) {
      ties += 1;
      if (random() * ties < 1) best = u;
    }
  }
  return best;
};

export function balancer(kind: BalancerKind): Pick {
  return kind === 'p2c' ? pickP2C : pickLeastOutstanding;
}
