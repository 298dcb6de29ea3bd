/** Does a fault select this request? Method, path prefix, path glob, headers (all must hold), then the percentage roll. */
import picomatch from 'picomatch';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProxyFaultMatch } from '@drillbook/contracts';

export interface RequestFacts {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
}

export type Matcher = (r: RequestFacts) => boolean;

export function compileMatch(m: ProxyFaultMatch = {}): Matcher {
  const methods = m.methods ? new Set(m.methods) : null;
  const glob = m.pathGlob ? picomatch(m.pathGlob, { dot: true }) : null;
  const headers = Object.entries(m.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
  return (r) => {
    if (methods && !methods.has(r.method)) return false;
    if (m.pathPrefix !== undefined && !r.path.startsWith(m.pathPrefix)) return false;
    if (glob && !glob(r.path)) return false;
    for (const [k, want] of headers) {
      const got = r.headers[k];
      if (got === undefined) return false;
      if (want === '*') continue;
      if ((Array.isArray(got) ? got : [got]).every((g) => g !== want)) return false;
    }
    return true;
  };
}
