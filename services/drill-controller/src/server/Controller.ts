/**
 * The drill controller, wired: configuration -> SLO specs -> store -> service targets (the
 * embedded stack when no service has a gateway) -> drills (crash recovery first) -> catalogue
 * (background refresh) -> HTTP. `stop()` aborts running drills (their rollbacks run), then stops
 * the stack and closes the store: nothing is left behind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadSloSpecs, type SloModel } from '@drillbook/alerts';
import { Catalogue } from '../catalogue/Catalogue.js';
import { sliKind } from '../catalogue/sloKind.js';
import { DEFAULT_SLO } from '../engine/executor.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { parseTokenEnv, TokenRegistry } from './auth/tokens.js';
import { AccessControl } from './auth/access.js';
import type { Locate } from './config/load.js';
import type { ControllerConfig } from './config/types.js';
import { InvalidConfig, type ConfigProblem } from './errors.js';
import { DrillManager, type ServiceInfo } from './drills/DrillManager.js';
import { grafanaObserver, metricsObserver, restoreLatestResults } from './drills/observers.js';
import { recoverDrill } from './drills/recovery.js';
import { RunbookCatalog } from './drills/runbooks.js';
import { GrafanaAnnotator } from './grafana.js';
import { createHttpServer } from './http/server.js';
import { DrillMetrics } from './metrics.js';
import { Targets } from './targets.js';
import type { App } from './app.js';
import { Ha, haOptionsFromEnv, sharedRefresh } from './ha/index.js';
import { GameDays, type RunOnceAcross } from '../gameday/GameDays.js';
import { systemClock, type Clock } from '../gameday/clock.js';
import { openGameDayStore, type GameDayStore } from '../gameday/store.js';
import { Notifier } from '../gameday/notify/Notifier.js';
import { GameDayMetrics } from '../gameday/metrics.js';

export interface ControllerOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  locate?: Locate;
  /** Overrides `listen.port` (0: any free port). */
  port?: number;
  /** Time for schedules, blackouts, approvals (tests pass a ManualClock). */
  clock?: Clock;
  /** Runs the scheduler tick once across controllers (HA); default: here. */
  runOnceAcross?: RunOnceAcross;
}

export interface RunningController {
  url: string;
  app: App;
  stop(reason?: string): Promise<void>;
}

async function serviceSlos(config: ControllerConfig, locate: Locate | undefined): Promise<Map<string, SloModel[]>> {
  const out = new Map<string, SloModel[]>();
  const problems: ConfigProblem[] = [];
  const where = (path: Array<string | number>, message: string) => (locate ? locate(path, message) : { file: config.file ?? '(defaults)', line: 1, column: 1, path: path.join('.'), message });
  let models: SloModel[] = [];
  if (!existsSync(config.sloSpecs)) problems.push(where(['sloSpecs'], `no SLO spec directory at ${config.sloSpecs}`));
  else models = await loadSloSpecs(config.sloSpecs);
  config.services.forEach((s, i) => {
    const mine = models.filter((m) => m.service === s.id);
    if (!s.slos) return void out.set(s.id, mine);
    out.set(
      s.id,
      s.slos.flatMap((name, j) => {
        const m = mine.find((x) => x.name === name);
        if (!m) problems.push(where(['services', i, 'slos', j], `no SLO "${name}" for service ${s.id} in ${config.sloSpecs} (have: ${mine.map((x) => x.name).join(', ') || 'none'})`));
        return m ? [m] : [];
      }),
    );
  });
  if (problems.length) throw new InvalidConfig(problems);
  return out;
}

export async function startController(config: ControllerConfig, opts: ControllerOptions = {}): Promise<RunningController> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const tokens = new TokenRegistry([...config.tokens, ...parseTokenEnv((opts.env ?? process.env).DRILLBOOK_TOKENS)]);
  if (!tokens.size) log('warning: no API tokens configured (config "tokens" or DRILLBOOK_TOKENS): every API request will be refused with 401');
  const slos = await serviceSlos(config, opts.locate);
  const store: Store = await openStore({ url: config.database.url, sqliteFile: join(config.dataDir, 'controller.db') });
  log(`store: ${store.kind} ${store.location}`);
  let ha: Ha | null = null;
  let targets: Targets | null = null;
  let catalogue: Catalogue | null = null;
  let gdStore: GameDayStore | null = null;
  try {
    ha = new Ha(store, haOptionsFromEnv(opts.env ?? process.env, config.dataDir), log);
    log(`controller id: ${ha.controllerId} (drill leases ${ha.leaseTtlMs} ms${store.kind === 'sqlite' ? ', SQLite: one controller' : ''})`);
    gdStore = await openGameDayStore({ url: config.database.url, sqliteFile: join(config.dataDir, 'controller.db') });
    targets = await Targets.start(config, log);
    const metrics = new DrillMetrics();
    const grafana = config.grafana ? new GrafanaAnnotator(config.grafana, log) : null;
    const runbooks = new RunbookCatalog(config.runbooks, log);
    log(`runbooks: ${runbooks.list().map((l) => l.runbook.metadata.name).join(', ') || 'none'} (from ${config.runbooks.join(', ')})`);
    const services = new Map<string, ServiceInfo>(
      config.services.map((s) => {
        const a = slos.get(s.id)?.find((m) => sliKind(m) === 'availability');
        return [s.id, { id: s.id, slo: a ? { name: a.name, objective: a.objective, periodDays: a.periodDays } : DEFAULT_SLO, ...(s.slis ? { slis: s.slis } : {}) }];
      }),
    );
    const access = new AccessControl(store, log);
    const observers = [metricsObserver(metrics), ...(grafana ? [grafanaObserver(grafana)] : [])];
    const drills = new DrillManager({ store, runbooks, targets, services, access, observers, dataDir: config.dataDir, loadEngine: config.loadEngine, prometheusUrl: config.prometheus?.url, log, ha });
    await drills.init();
    const clock = opts.clock ?? systemClock;
    // Several controllers on one PostgreSQL: the scheduler ticks on the one that leads "drillbook-gameday-scheduler"
    // (a lease kept for three ticks, renewed by every tick of its holder), so a schedule fires once.
    const leader = ha;
    const scheduleOnce: RunOnceAcross | undefined =
      store.kind === 'postgres'
        ? async (name, fn) => {
            if (await leader.lead(name, Math.max(leader.leaseTtlMs, 3 * config.gameDays.tickS * 1000))) await fn();
          }
        : undefined;
    const notifier = new Notifier({ ...config.gameDays.notifications, store: gdStore, clock, log });
    const gameDays = new GameDays({
      config: config.gameDays, services: config.services.map((s) => s.id), store: gdStore, drillStore: store, runbooks, access, launch: (r, w) => drills.start(r, w),
      notifier, metrics: new GameDayMetrics(metrics.registry), clock, runOnceAcross: opts.runOnceAcross ?? scheduleOnce, log,
    });
    observers.push(gameDays.observer());
    await restoreLatestResults(store, metrics);
    const t = targets;
    const recoveryDeps = {
      store,
      targets: t,
      observers,
      slo: (id: string) => services.get(id)?.slo,
      eventLog: (id: string, after: number) => drills.resumeLog(id, after),
      audit: (action: string, target: string, detail: string) => access.system(action, target, detail),
      log,
    };
    // SQLite: one controller, so every unfinished drill was this controller's. PostgreSQL: only
    // drills whose controller's lease expired are taken over (by ha's sweep, below and every tick).
    if (store.kind === 'sqlite') {
      for (const r of await store.unfinishedDrills()) {
        await recoverDrill(r, recoveryDeps);
        await drills.history.reload(r.service);
      }
    }
    await ha.start({
      isLocal: (id) => drills.isLocal(id),
      onLost: (id, reason) => drills.fence(id, reason),
      onEmergencyStop: (s) => drills.syncEmergencyStop(s),
      takeOver: async (r, takeover) => {
        await recoverDrill(r, takeover ? { ...recoveryDeps, takeover } : recoveryDeps);
        await drills.history.reload(r.service);
      },
    });
    catalogue = new Catalogue(
      config.services.map((s) => ({ id: s.id, slos: slos.get(s.id) ?? [], prometheus: s.prometheus, gpu: s.gpu, promqlSlis: s.slis, targets: () => t.get(s.id)!.catalogue() })),
      {
        intervalMs: config.refreshIntervalS * 1000,
        prometheusUrl: config.prometheus?.url,
        log,
        // Several controllers on one PostgreSQL: one refreshes, all serve its figures.
        ...(store.kind === 'postgres' ? { shared: sharedRefresh(store, ha, Math.max(3 * config.refreshIntervalS * 1000, ha.leaseTtlMs)) } : {}),
      },
    );
    await catalogue.start();
    await gameDays.init();
    gameDays.start();
    const app: App = { config, tokens, access, store, catalogue, drills, runbooks, metrics, log, ha, gameDays };
    const server = createHttpServer(app);
    await listen(server, config.listen.host, opts.port ?? config.listen.port);
    const addr = server.address() as AddressInfo;
    const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    let stopping: Promise<void> | null = null;
    const c = catalogue;
    const h = ha;
    return {
      url,
      app,
      stop: (reason = 'controller shutting down') =>
        (stopping ??= (async () => {
          server.close();
          await gameDays.stop();
          await drills.shutdown(reason);
          await notifier.close();
          server.closeAllConnections();
          await h.stop();
          c.stop();
          await grafana?.flush();
          await t.close();
          await store.close();
          await gdStore?.close();
        })()),
    };
  } catch (e) {
    await ha?.stop();
    catalogue?.stop();
    await targets?.close().catch(() => {});
    await store.close().catch(() => {});
    await gdStore?.close().catch(() => {});
    throw e;
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`)));
    server.listen(port, host, () => resolve());
  });
}
