/**
 * Replica process entry: configuration from the environment (see config.ts), then the server.
 * Prints `replica <id> listening on <url>` once listening; SIGTERM/SIGINT shut it down cleanly.
 */
import { loadConfig } from './config.js';
import { startReplica } from './replica.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const replica = await startReplica(config);
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    try {
      replica.logger.info({ signal }, 'shutting down');
    } catch {
      /* stdout is a broken pipe when the supervisor died */
    }
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void replica.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by the topology runner over an IPC channel: if the runner dies, so do we (no orphans).
  if (process.send) process.on('disconnect', () => stop('parent exited'));
  // Only once the handlers are in place: a supervisor may signal as soon as it reads this line.
  process.stdout.write(`replica ${replica.id} listening on ${replica.url}\n`);
}

main().catch((e) => {
  process.stderr.write(`inference replica failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
