/**
 * Live drill progress for the terminal: one updating line on a TTY (phase, elapsed/remaining,
 * current rate, errors, p99), plain lines otherwise (every few seconds and on every phase change).
 */
import type { DrillEvent } from '@drillbook/contracts';

export function progressObserver(out: NodeJS.WriteStream, opts: { tty?: boolean; plainEveryS?: number } = {}) {
  const tty = opts.tty ?? !!out.isTTY;
  const every = opts.plainEveryS ?? 5;
  let lastPlain = -Infinity;
  let loadPhase = '';
  let lineOpen = false;
  const clear = () => {
    if (tty && lineOpen) {
      out.write('\r\x1b[2K');
      lineOpen = false;
    }
  };
  const say = (s: string) => {
    clear();
    out.write(`${s}\n`);
  };
  return (e: DrillEvent) => {
    const d = e.data ?? {};
    switch (e.type) {
      case 'progress': {
        const line = `[${loadPhase || d.loadPhase || 'load'}] ${Math.round(d.elapsedS ?? 0)}s elapsed, ${Math.round(d.remainingS ?? 0)}s left · ${(d.rps ?? 0).toFixed(1)} req/s (planned ${d.plannedRps ?? '?'}) · ${d.requests ?? 0} done · ${d.errors ?? 0} errors · p99 ${d.p99Ms == null ? '—' : Math.round(d.p99Ms) + 'ms'}`;
        if (tty) {
          out.write(`\r\x1b[2K${line}`);
          lineOpen = true;
        } else if ((d.elapsedS ?? 0) - lastPlain >= every) {
          lastPlain = d.elapsedS ?? 0;
          out.write(`${line}\n`);
        }
        break;
      }
      case 'phase':
        if (d.loadPhase) {
          loadPhase = String(d.loadPhase);
          say(`-- load phase ${loadPhase}`);
        } else if (e.phase) say(`== ${e.phase}`);
        break;
      case 'activity':
        if (d.status !== 'running' && d.kind !== 'phase') say(`   ${e.message}`);
        else if (d.status === 'failed') say(`   ${e.message}`);
        break;
      case 'fault':
        say(`   fault: ${e.message}`);
        break;
      case 'detection':
        say(`   ${e.message}`);
        break;
      case 'guardrail':
      case 'state':
        if (d.status === 'aborting') say(`!! ${e.message}`);
        break;
      case 'end':
        clear();
        break;
    }
  };
}
