/**
 * `drillbook serve [--config FILE] [--port N]`: runs the controller until SIGTERM / SIGINT, then
 * aborts running drills (rollbacks run), stops the embedded stack and exits; a second signal exits
 * at once (faults expire by their TTL, the next start marks unfinished drills interrupted).
 */
import { parseArgs } from 'node:util';
import { InvalidConfig, formatConfigProblem } from './errors.js';
import { InvalidTokenSpec } from './auth/tokens.js';
import { loadConfig } from './config/load.js';
import { startController } from './Controller.js';
import { InvalidHaSetting } from './ha/options.js';

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, port: { type: 'string' } } });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^[0-9]+$/.test(values.port) || port > 65535) {
      process.stderr.write(`drillbook serve: --port must be 0..65535, got "${values.port}"\n`);
      return 2;
    }
  }
  const log = (l: string) => process.stderr.write(`${new Date().toISOString()} ${l}\n`);
  let controller;
  try {
    const { config, locate } = loadConfig(values.config);
    controller = await startController(config, { log, locate, port });
  } catch (e) {
    if (e instanceof InvalidConfig) {
      for (const p of e.problems) process.stderr.write(`${formatConfigProblem(p)}\n`);
      return 2;
    }
    if (e instanceof InvalidHaSetting) {
      process.stderr.write(`drillbook serve: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InvalidTokenSpec) {
      process.stderr.write(`drillbook serve: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return new Promise<number>((resolve) => {
    let first = 0;
    const onSignal = (sig: string) => {
      // A wrapper (npx, npm, timeout) often forwards the terminal's signal again: a second one counts after 2 s.
      if (first && Date.now() - first < 2000) return;
      if (first) {
        log(`${sig} again: exiting now; injected faults expire by their TTL and unfinished drills are marked interrupted on the next start`);
        process.exit(130);
      }
      first = Date.now();
      log(`${sig}: aborting running drills (rollbacks run), stopping the embedded stack, closing the store ...`);
      controller
        .stop(`controller received ${sig}`)
        .then(() => {
          log('stopped; nothing left running');
          resolve(0);
        })
        .catch((e: Error) => {
          log(`shutdown failed: ${e.message}`);
          resolve(1);
        });
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
    // Only once the handlers are in place: a wrapper that signals as soon as it reads this line must get
    // a clean stop, not the default SIGTERM action (a stack test caught that race in the stack runner).
    process.stdout.write(`drillbook controller listening on ${controller!.url}\n`);
  });
}
