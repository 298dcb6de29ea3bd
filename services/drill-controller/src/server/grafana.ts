/**
 * Grafana annotations for drills (when a Grafana URL and token are configured): a point at drill
 * start, at every injected fault and when recovery begins, and a region from start to end with the
 * verdict. Written with Grafana's annotations HTTP API; a failure is logged and never touches a drill.
 */
export interface AnnotationTarget {
  url: string;
  token: string;
  dashboardUid?: string;
}

export interface DrillRef {
  id: string;
  service: string;
  runbook: string;
}

export type AnnotationKind = 'start' | 'fault' | 'recovery' | 'end';

export class GrafanaAnnotator {
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly target: AnnotationTarget,
    private readonly log: (line: string) => void = () => {},
  ) {}

  annotate(kind: AnnotationKind, drill: DrillRef, text: string, time: number, timeEnd?: number): void {
    const body = {
      ...(this.target.dashboardUid ? { dashboardUID: this.target.dashboardUid } : {}),
      time,
      ...(timeEnd !== undefined ? { timeEnd } : {}),
      tags: ['drillbook', `drill-${kind}`, `service:${drill.service}`, `runbook:${drill.runbook}`, `drill:${drill.id}`],
      text,
    };
    const p = fetch(`${this.target.url}/api/annotations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.target.token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    })
      .then(async (res) => {
        if (!res.ok) this.log(`grafana annotation (${kind}, drill ${drill.id}) refused: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
        else await res.arrayBuffer();
      })
      .catch((e: Error) => this.log(`grafana annotation (${kind}, drill ${drill.id}) failed: ${e.message}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits for annotations in flight (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
