/**
 * The runbooks the controller knows: every valid runbook file under the configured paths, by
 * `metadata.name`, re-read when they change (at most every few seconds). Invalid files are left
 * out and reported in the log with their located problems; they never stop the controller.
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import type { RunbookSummary, Runbook } from '@drillbook/contracts';
import { InvalidRunbook, formatProblem } from '../../errors.js';
import { loadRunbook, runbookFiles, type LoadedRunbook } from '../../runbook/validate.js';
import { loadPhases } from '../../runbook/plan.js';

const RESCAN_MS = 3000;

export function faultsOf(rb: Runbook): string[] {
  const out = new Set<string>();
  for (const s of [...rb.steps, ...(rb.steadyState?.before ?? []), ...(rb.steadyState?.after ?? [])]) {
    if (s.kind === 'fault.inject') out.add(s.fault.type);
    else if (s.kind.startsWith('process.') && s.kind !== 'process.resume') out.add(s.kind);
    else if (s.kind === 'registry.wipe') out.add('registry.wipe');
    else if (s.kind === 'store.stop') out.add('store.down');
    else if (s.kind === 'store.corrupt' || s.kind === 'store.wipe') out.add(s.kind);
    else if (s.kind === 'model.publish' && s.mutation !== 'none') out.add(`model.${s.mutation}`);
    else if (s.kind === 'model.deploy') out.add(s.canaryWeight ? 'model.canary' : 'model.deploy');
  }
  for (const p of Object.values(rb.load.mix ?? {})) if (p === 'drifted') out.add('load.drift');
  return [...out];
}

export function runbookSummary(l: LoadedRunbook, base = process.cwd()): RunbookSummary {
  const rb = l.runbook;
  return {
    name: rb.metadata.name,
    title: rb.metadata.title,
    file: relative(base, l.file) || l.file,
    service: rb.target.service,
    hypothesis: rb.hypothesis,
    tags: rb.metadata.tags ?? [],
    owner: rb.metadata.owner,
    faults: faultsOf(rb),
    durationS: loadPhases(rb, false).reduce((a, p) => a + p.durationS, 0),
    objectives: rb.objectives.map((o) => ({ name: o.name, sli: o.sli, op: o.op, target: o.target, weight: o.weight ?? 1 })),
  };
}

export class RunbookCatalog {
  private byName = new Map<string, LoadedRunbook>();
  private stamp = '';
  private scannedAt = 0;

  constructor(
    private readonly paths: string[],
    private readonly log: (line: string) => void = () => {},
    private readonly base = process.cwd(),
  ) {}

  private scan(): void {
    const now = Date.now();
    if (now - this.scannedAt < RESCAN_MS && this.scannedAt) return;
    this.scannedAt = now;
    const files = runbookFiles(this.paths);
    const stamp = files.map((f) => `${f}:${(() => { try { return statSync(f).mtimeMs; } catch { return 0; } })()}`).join('|');
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    const next = new Map<string, LoadedRunbook>();
    for (const f of files) {
      try {
        const l = loadRunbook(f);
        const prev = next.get(l.runbook.metadata.name);
        if (prev) this.log(`runbook ${f}: name "${l.runbook.metadata.name}" is already used by ${prev.file}; ignored`);
        else next.set(l.runbook.metadata.name, l);
      } catch (e) {
        if (e instanceof InvalidRunbook) for (const p of e.problems) this.log(`runbook left out: ${formatProblem(p)}`);
        else this.log(`runbook ${f} left out: ${(e as Error).message}`);
      }
    }
    this.byName = next;
  }

  list(): LoadedRunbook[] {
    this.scan();
    return [...this.byName.values()].sort((a, b) => a.runbook.metadata.name.localeCompare(b.runbook.metadata.name));
  }

  get(name: string): LoadedRunbook | undefined {
    this.scan();
    return this.byName.get(name);
  }

  summary(l: LoadedRunbook): RunbookSummary {
    return runbookSummary(l, this.base);
  }
}
