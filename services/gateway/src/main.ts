/**
 * Process entry: `tsx src/main.ts [config.json]`. The config is a JSON file given as the first
 * argument, or in `GATEWAY_CONFIG` (a file path, or the JSON itself when it starts with "{").
 * Prints `gateway listening on http://127.0.0.1:<port>` on stdout once it serves; logs go to
 * stderr. SIGTERM / SIGINT stop it cleanly (in-flight requests get a short grace period), and so
 * does the loss of the IPC channel when a supervisor started it with one.
 */
import { readFileSync } from 'node:fs';
import { parseConfig } from './config.js';
import { ConfigError } from './errors.js';
import { Gateway } from './Gateway.js';
import { createLogger, dropLogOutput, type Logger } from './logger.js';

function loadRawConfig(argv: string[], env: NodeJS.ProcessEnv): { raw: unknown; source: string } {
  const fromArg = argv[2];
  const fromEnv = env.GATEWAY_CONFIG;
  const spec = fromArg ?? fromEnv;
  if (spec === undefined || spec.trim() === '') {
    throw new Error('no config: pass a JSON file path as the first argument, or set GATEWAY_CONFIG to a file path or to JSON');
  }
  if (fromArg === undefined && spec.trim().startsWith('{')) {
    try {
      return { raw: JSON.parse(spec), source: 'GATEWAY_CONFIG' };
    } catch (err) {
      throw new Error(`GATEWAY_CONFIG is not valid JSON: ${(err as Error).message}`);
    }
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (err) {
    throw new Error(`cannot read config file "${spec}": ${(err as Error).message}`);
  }
  try {
    return { raw: JSON.parse(text), source: spec };
  } catch (err) {
    throw new Error(`config file "${spec}" is not valid JSON: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  let source = '';
  let gateway: Gateway;
  let logger: Logger;
  try {
    const loaded = loadRawConfig(process.argv, process.env);
    source = loaded.source;
    const config = parseConfig(loaded.raw);
    logger = createLogger(config.logLevel);
    gateway = new Gateway(config, { logger });
  } catch (err) {
    const where = source && err instanceof ConfigError ? ` (${source})` : '';
    process.stderr.write(`gateway: ${(err as Error).message}${where}\n`);
    process.exit(2);
  }
  const { url } = await gateway.start();
  let stopping = false;
  // Logging must not stand in the way of stopping: when the supervisor died, stdout/stderr are
  // broken pipes and a synchronous write throws EPIPE.
  const log = (msg: string, obj: object = {}) => {
    try {
      logger.info(obj, msg);
    } catch {
      /* nobody is reading */
    }
  };
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('gateway stopping', { signal });
    setTimeout(() => process.exit(1), 10_000).unref();
    gateway
      .stop()
      .then(() => {
        log('gateway stopped');
        try {
          logger.flush();
        } catch {
          /* broken pipe */
        }
        process.exit(0);
      })
      .catch((err: Error) => {
        process.stderr.write(`gateway: stop failed: ${err.message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Started by a supervisor over an IPC channel (the topology runner): if it dies, so do we (no orphans).
  // Its stdout and stderr were pipes to it, so nothing can be logged any more.
  if (process.send) {
    process.on('disconnect', () => {
      dropLogOutput(logger);
      shutdown('parent exited');
    });
  }
  // Only once the handlers are in place: a supervisor may signal as soon as it reads this line.
  process.stdout.write(`gateway listening on ${url}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`gateway: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
