/**
 * `drillbook proxy --upstream URL --listen HOST:PORT --admin-token T [--read-token T]
 *  [--admin-prefix /admin] [--upstream-timeout-ms N] [--shutdown-grace-ms N] [--name NAME]`
 *
 * Prints `proxy listening on <url>` on stdout once it serves; logs JSON lines on stderr. SIGTERM /
 * SIGINT stop it gracefully. Exit codes: 0 stopped by a signal, 2 bad options or cannot listen.
 */
import { parseArgs } from 'node:util';
import { parseConfig } from './config.js';
import { FaultProxy } from './Proxy.js';

export const PROXY_USAGE = `usage: drillbook proxy --upstream URL --listen HOST:PORT --admin-token TOKEN
         [--read-token TOKEN] [--admin-prefix /admin] [--upstream-timeout-ms 60000]
         [--shutdown-grace-ms 10000] [--name proxy]
  tokens may also come from DRILLBOOK_PROXY_ADMIN_TOKEN / DRILLBOOK_PROXY_READ_TOKEN`;

export async function proxyCli(argv: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        upstream: { type: 'string' },
        listen: { type: 'string' },
        'admin-token': { type: 'string' },
        'read-token': { type: 'string' },
        'admin-prefix': { type: 'string' },
        'upstream-timeout-ms': { type: 'string' },
        'shutdown-grace-ms': { type: 'string' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    io.err.write(`drillbook proxy: ${(e as Error).message}\n${PROXY_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out.write(`${PROXY_USAGE}\n`);
    return 0;
  }
  let proxy: FaultProxy;
  try {
    const config = parseConfig({
      upstream: values.upstream as string | undefined,
      listen: values.listen as string | undefined,
      adminToken: (values['admin-token'] as string | undefined) ?? process.env.DRILLBOOK_PROXY_ADMIN_TOKEN,
      readOnlyToken: (values['read-token'] as string | undefined) ?? process.env.DRILLBOOK_PROXY_READ_TOKEN,
      adminPrefix: values['admin-prefix'] as string | undefined,
      upstreamTimeoutMs: values['upstream-timeout-ms'] as string | undefined,
      shutdownGraceMs: values['shutdown-grace-ms'] as string | undefined,
      name: values.name as string | undefined,
    });
    const log = (msg: string, extra: Record<string, unknown> = {}) => {
      try {
        io.err.write(`${JSON.stringify({ time: new Date().toISOString(), name: 'drillbook-proxy', msg, ...extra })}\n`);
      } catch {
        /* a broken stderr must not stop the proxy */
      }
    };
    proxy = new FaultProxy(config, log);
    const { url } = await proxy.start();
    io.out.write(`proxy listening on ${url}\n`);
  } catch (e) {
    io.err.write(`drillbook proxy: ${(e as Error).message}\n`);
    return 2;
  }
  return new Promise<number>((resolve) => {
    const onSignal = (sig: string) => {
      process.off('SIGTERM', term);
      process.off('SIGINT', int);
      io.err.write(`drillbook proxy: ${sig}: stopping (requests in flight get ${proxy.config.shutdownGraceMs} ms)\n`);
      void proxy.stop().then(() => resolve(0));
    };
    const term = () => onSignal('SIGTERM');
    const int = () => onSignal('SIGINT');
    process.on('SIGTERM', term);
    process.on('SIGINT', int);
  });
}
