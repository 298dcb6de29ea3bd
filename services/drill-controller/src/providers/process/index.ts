/**
 * Host processes as a provider: SIGKILL / SIGTERM / SIGSTOP / SIGCONT / restart for processes
 * selected by pid file, systemd unit or command-line match, and ONLY for the processes a runbook's
 * `target.providers.process.allow` names; anything else is refused before a signal is sent.
 * Evidence is what the host shows: the pid gone, a new pid, readiness regained, the process stopped.
 * A kill or a stop cannot expire by itself (`expires: false`): a stop is undone with SIGCONT by a
 * `resume`, the rollback, an abort or crash recovery (the journal keeps the pid).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { HostProcessAction, ProcessAllowEntry, ProcessProviderConfig } from '@drillbook/contracts';
import { expandEnv, ProviderError, type ActiveProviderFault, type ClearResult, type FaultProvider, type InjectResult } from '../types.js';

const run = promisify(execFile);
const SIGNAL: Record<Exclude<HostProcessAction, 'restart'>, NodeJS.Signals> = { kill: 'SIGKILL', terminate: 'SIGTERM', pause: 'SIGSTOP', resume: 'SIGCONT' };

export interface ProcessFault {
  name: string;
  action: HostProcessAction;
  /** How long to wait for the evidence. Default 30 s. */
  withinMs?: number;
}

/** Is systemd the init system here (`/run/systemd/system` exists)? */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

/** Alive and not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const s = procState(pid);
  return s !== 'Z' && s !== 'X';
}

/** The state letter of /proc/<pid>/stat (R, S, T, Z, ...), null when gone. */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

function cmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ProcessProvider implements FaultProvider<ProcessFault> {
  readonly kind = 'process' as const;
  readonly expires = false;
  /** Pids this provider stopped (SIGSTOP) and has not resumed: id -> pid. */
  private readonly stopped = new Map<string, { pid: number; name: string }>();
  constructor(
    private readonly cfg: ProcessProviderConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The allow-list entry of a name; anything not on the list is refused. */
  entry(name: string): ProcessAllowEntry {
    const e = this.cfg.allow.find((x) => x.name === name);
    if (!e) throw new ProviderError(`process "${name}" is not in target.providers.process.allow (allowed: ${this.cfg.allow.map((x) => x.name).join(', ') || 'none'}): refused`);
    return e;
  }

  /** The pid the entry selects now. */
  async resolve(name: string): Promise<number> {
    const e = this.entry(name);
    const where = `target.providers.process.allow[${this.cfg.allow.indexOf(e)}]`;
    if (e.pidFile) {
      const file = expandEnv(e.pidFile, `${where}.pidFile`, this.env);
      let text: string;
      try {
        text = readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new ProviderError(`${where}.pidFile: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new ProviderError(`${where}.pidFile: ${file} does not hold a pid (got ${JSON.stringify(text.slice(0, 40))})`);
      const pid = Number(text);
      if (!pidAlive(pid)) throw new ProviderError(`${where}.pidFile: process ${pid} from ${file} is not running`);
      return pid;
    }
    if (e.systemdUnit) {
      if (!systemdRunning()) throw new ProviderError(`${where}.systemdUnit: systemd is not running on this host (no /run/systemd/system): cannot act on ${e.systemdUnit}; select the process by pidFile or commandMatch instead`);
      const { stdout } = await run('systemctl', ['show', '--property', 'MainPID', '--value', e.systemdUnit]);
      const pid = Number(stdout.trim());
      if (!pid) throw new ProviderError(`${where}.systemdUnit: unit ${e.systemdUnit} has no running main process`);
      return pid;
    }
    const match = expandEnv(e.commandMatch!, `${where}.commandMatch`, this.env);
    const mine = new Set([process.pid, process.ppid]);
    const found: number[] = [];
    for (const d of readdirSync('/proc')) {
      if (!/^[0-9]+$/.test(d)) continue;
      const pid = Number(d);
      if (mine.has(pid)) continue;
      const c = cmdline(pid);
      if (c?.includes(match) && pidAlive(pid)) found.push(pid);
    }
    if (found.length !== 1) throw new ProviderError(`${where}.commandMatch: ${found.length} processes match ${JSON.stringify(match)}${found.length ? ` (pids ${found.slice(0, 10).join(', ')})` : ''}; it must select exactly one`);
    return found[0];
  }

  private async ready(e: ProcessAllowEntry, name: string): Promise<boolean> {
    if (!e.readyUrl) return false;
    const url = expandEnv(e.readyUrl, `process ${name} readyUrl`, this.env);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1500) });
      await r.text();
      return r.status === 200;
    } catch {
      return false;
    }
  }

  /** After the old pid went away: wait for a new live pid (its supervisor, a restart command or the unit) and readiness. */
  private async comeBack(name: string, old: number, deadline: number, evidence: string[]): Promise<string | undefined> {
    const e = this.entry(name);
    let pid: number | null = null;
    while (Date.now() < deadline) {
      pid = await this.resolve(name).catch(() => null);
      if (pid !== null && pid !== old) break;
      pid = null;
      await sleep(100);
    }
    if (pid === null) {
      evidence.push(`${name}: no new process within the wait (nothing restarted it)`);
      return e.readyUrl ? `${name}: no new process within the wait (nothing restarted it)` : undefined;
    }
    evidence.push(`${name}: new pid ${pid} (was ${old})`);
    if (!e.readyUrl) return undefined;
    const url = expandEnv(e.readyUrl, 'readyUrl', this.env);
    while (Date.now() < deadline) {
      if (await this.ready(e, name)) {
        evidence.push(`${name}: ready again (${url} answered 200)`);
        return undefined;
      }
      await sleep(200);
    }
    evidence.push(`${name}: not ready again within the wait`);
    return `${name}: new pid ${pid} but ${url} did not answer 200 within the wait`;
  }

  async inject(f: ProcessFault, _ttlMs: number | null = null): Promise<InjectResult> {
    const e = this.entry(f.name);
    const deadline = Date.now() + (f.withinMs ?? 30_000);
    const pid = await this.resolve(f.name);
    const evidence: string[] = [];
    const id = `${f.action}:${f.name}:${pid}`;
    switch (f.action) {
      case 'kill':
      case 'terminate': {
        process.kill(pid, SIGNAL[f.action]);
        while (pidAlive(pid) && Date.now() < deadline) await sleep(25);
        if (pidAlive(pid)) throw new ProviderError(`${f.name}: process ${pid} still running ${f.withinMs ?? 30_000} ms after ${SIGNAL[f.action]}`);
        evidence.push(`${f.name}: process ${pid} gone after ${SIGNAL[f.action]}`);
        const problem = await this.comeBack(f.name, pid, deadline, evidence);
        return { id, evidence, ...(problem ? { problem } : {}) };
      }
      case 'pause': {
        process.kill(pid, 'SIGSTOP');
        while (procState(pid) !== 'T' && procState(pid) !== 't' && Date.now() < deadline) await sleep(10);
        const s = procState(pid);
        if (s !== 'T' && s !== 't') throw new ProviderError(`${f.name}: process ${pid} not stopped after SIGSTOP (state ${s})`);
        this.stopped.set(id, { pid, name: f.name });
        evidence.push(`${f.name}: process ${pid} stopped (SIGSTOP, /proc state ${s})`);
        return { id, evidence };
      }
      case 'resume': {
        process.kill(pid, 'SIGCONT');
        for (const [k, v] of this.stopped) if (v.pid === pid) this.stopped.delete(k);
        evidence.push(`${f.name}: process ${pid} continued (SIGCONT, /proc state ${procState(pid)})`);
        return { id, evidence };
      }
      case 'restart': {
        if (e.systemdUnit) {
          await run('systemctl', ['restart', e.systemdUnit]);
        } else {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGTERM');
          while (pidAlive(pid) && Date.now() < deadline) await sleep(25);
          if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
          if (e.restartCommand) {
            const [cmd, ...args] = e.restartCommand.map((a, i) => expandEnv(a, `${f.name} restartCommand[${i}]`, this.env));
            spawn(cmd, args, { detached: true, stdio: 'ignore', env: this.env }).unref();
          }
        }
        evidence.push(`${f.name}: process ${pid} stopped for a restart`);
        const problem = await this.comeBack(f.name, pid, deadline, evidence);
        return { id, evidence, ...(problem ? { problem } : {}) };
      }
    }
  }

  /** Undo: SIGCONT a process this drill stopped; a kill or restart has nothing to undo. */
  async clear(id: string): Promise<ClearResult> {
    return clearProcessFault(id);
  }

  async listActive(): Promise<ActiveProviderFault[]> {
    return [...this.stopped].filter(([, v]) => procState(v.pid) === 'T' || procState(v.pid) === 't').map(([id]) => ({ id, type: 'process.pause', remainingMs: null }));
  }
}

/**
 * Undo one journaled process fault from its id alone (`pause:<name>:<pid>`): SIGCONT to that pid if
 * it is still stopped. Used by crash recovery, which has no allow-list object, only the journal.
 */
export function clearProcessFault(id: string): ClearResult {
  const m = /^(kill|terminate|pause|resume|restart):([a-z0-9-]+):([0-9]+)$/.exec(id);
  if (!m) throw new ProviderError(`not a process fault id: ${id}`);
  const [, action, name, p] = m;
  const pid = Number(p);
  if (action !== 'pause') return { cleared: false, evidence: [] };
  const s = procState(pid);
  if (s !== 'T' && s !== 't') return { cleared: false, evidence: [`${name}: process ${pid} ${s === null ? 'is gone' : 'was no longer stopped'}`] };
  process.kill(pid, 'SIGCONT');
  return { cleared: true, evidence: [`${name}: process ${pid} continued (SIGCONT, /proc state ${procState(pid)})`] };
}
