/**
 * Where each catalogue service runs. A service with a gateway is a running deployment the
 * controller connects to (replicas from the config, or from the gateway's admin API); the one
 * without is the controller's long-lived embedded reference stack (started once, background
 * shoppers on, stopped with the controller).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_PATHS } from '@drillbook/contracts';
import { Stack } from '@drillbook/stack';
import type { RunningPrometheus } from '@drillbook/alerts';
import { startEmbeddedPrometheus } from '../engine/embeddedPrometheus.js';
import { connectTarget, stackTarget, type DrillTarget } from '../engine/target.js';
import type { CatalogueTargets } from '../catalogue/types.js';
import type { ControllerConfig, ServiceConfig } from './config/types.js';
import { ApiError } from './errors.js';

export interface ServiceTarget {
  readonly embedded: boolean;
  /** Gateway and replicas for the catalogue (never throws: unknown parts are empty). */
  catalogue(): Promise<CatalogueTargets>;
  /** A drill target; ApiError 503 when the service cannot be reached or cannot run drills. */
  drill(): Promise<DrillTarget>;
}

class EmbeddedTarget implements ServiceTarget {
  readonly embedded = true;
  private readonly target: DrillTarget;

  constructor(
    readonly stack: Stack,
    service: string,
    prometheusUrl?: string,
  ) {
    this.target = stackTarget(stack, service, { prometheusUrl });
  }

  async catalogue(): Promise<CatalogueTargets> {
    return { gatewayUrl: this.stack.info.gatewayUrl, replicas: this.target.replicas() };
  }

  async drill(): Promise<DrillTarget> {
    return this.target;
  }
}

class RemoteTarget implements ServiceTarget {
  readonly embedded = false;
  private discovered: CatalogueTargets['replicas'] = [];

  constructor(
    private readonly svc: ServiceConfig,
    private readonly prometheusUrl?: string,
  ) {}

  async catalogue(): Promise<CatalogueTargets> {
    const g = this.svc.gateway!;
    if (this.svc.replicas?.length) return { gatewayUrl: g.url, replicas: this.svc.replicas };
    try {
      const res = await fetch(`${g.url}${ADMIN_PATHS.upstreams}`, { headers: { authorization: `Bearer ${g.adminToken}` }, signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        const body = (await res.json()) as { upstreams: Array<{ id: string; zone: string; url: string }> };
        this.discovered = body.upstreams.map((u) => ({ id: u.id, zone: u.zone, url: u.url }));
      }
    } catch {
      /* gateway unreachable: keep the replicas seen last */
    }
    return { gatewayUrl: g.url, replicas: this.discovered };
  }

  async drill(): Promise<DrillTarget> {
    const g = this.svc.gateway!;
    try {
      return await connectTarget({ service: this.svc.id, gatewayUrl: g.url, adminToken: g.adminToken!, controlUrl: g.controlUrl, sessionsFile: g.sessionsFile, prometheusUrl: this.prometheusUrl, protocol: g.protocol });
    } catch (e) {
      throw new ApiError(503, `service ${this.svc.id} cannot run a drill now: ${(e as Error).message}`, 'service');
    }
  }
}

export class Targets {
  private constructor(
    private readonly byId: Map<string, ServiceTarget>,
    readonly stack: Stack | null,
    private readonly prometheus: RunningPrometheus | null = null,
  ) {}

  static async start(config: ControllerConfig, log: (line: string) => void): Promise<Targets> {
    const byId = new Map<string, ServiceTarget>();
    let stack: Stack | null = null;
    let prometheus: RunningPrometheus | null = null;
    for (const svc of config.services) {
      if (svc.gateway) {
        byId.set(svc.id, new RemoteTarget(svc, config.prometheus?.url));
        continue;
      }
      const dir = join(config.dataDir, 'stack');
      // The embedded stack is disposable: a fresh one each start, so no model a drill published survives.
      rmSync(dir, { recursive: true, force: true });
      log(`starting the embedded reference stack for ${svc.id} (${config.embedded.replicas} replicas, ${config.embedded.zones.join(', ')}) ...`);
      stack = await Stack.start({
        dir,
        ...config.embedded.spec,
        replicas: config.embedded.replicas,
        zones: config.embedded.zones,
        shopperRate: config.embedded.shopperRate,
        model: { ...config.embedded.spec?.model, ...(config.embedded.items ? { items: config.embedded.items } : {}), ...(config.embedded.users ? { users: config.embedded.users } : {}) },
        logLevel: 'warn',
        onLog: (l) => log(`[stack] ${l}`),
      });
      // Prometheus in the loop: the configured one, else one for the embedded stack when installed.
      let promUrl = config.prometheus?.url;
      if (!promUrl) {
        rmSync(join(config.dataDir, 'prometheus'), { recursive: true, force: true }); // fresh, like the stack
        try {
          const started = await startEmbeddedPrometheus({ endpoints: { gateway: stack.info.gatewayUrl, replicas: stack.info.replicas.map((r) => ({ id: r.id, zone: r.zone, url: r.url })) }, dir: join(config.dataDir, 'prometheus') });
          prometheus = started.prometheus;
          promUrl = prometheus?.url;
          log(`[prometheus] ${started.note}`);
        } catch (e) {
          log(`[prometheus] did not start (${(e as Error).message}): drills fall back to the runbooks' metric detection signals`);
        }
      }
      byId.set(svc.id, new EmbeddedTarget(stack, svc.id, promUrl));
    }
    return new Targets(byId, stack, prometheus);
  }

  get(id: string): ServiceTarget | undefined {
    return this.byId.get(id);
  }

  async close(): Promise<void> {
    await this.prometheus?.stop();
    await this.stack?.stop();
  }
}
