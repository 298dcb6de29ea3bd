/**
 * Prometheus cannot listen on port 0, so a free port is found by binding 127.0.0.1:0 ourselves and
 * releasing it. Another process can take it in between: the server retries on a fresh port when
 * Prometheus reports the address in use.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not read the bound port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}
