/** Hop-by-hop header handling (RFC 9110 §7.6.1) and the X-Forwarded-* headers of a reverse proxy. */
import type { IncomingMessage } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1, plus the old proxy-connection): never forwarded. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Header names that must not be forwarded: the fixed hop-by-hop set plus those the Connection header names. */
function dropped(connection: string | string[] | undefined): Set<string> {
  const out = new Set(HOP_BY_HOP);
  for (const v of Array.isArray(connection) ? connection : connection ? [connection] : []) {
    for (const t of v.split(',')) if (t.trim()) out.add(t.trim().toLowerCase());
  }
  return out;
}

/**
 * Headers for the upstream request (undici's form: no `transfer-encoding`, `expect` or other
 * hop-by-hop header; undici frames the body itself), and whether the request carries a body:
 * a `content-length` above 0 or a chunked `transfer-encoding`, whatever the method.
 */
export function upstreamRequestHeaders(req: IncomingMessage, upstreamHost: string): { headers: Record<string, string | string[]>; hasBody: boolean } {
  const drop = dropped(req.headers.connection);
  drop.add('expect'); // Node's server already answered `100 Continue`; undici refuses the header.
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !drop.has(k)) out[k] = v;
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client;
  out['x-forwarded-proto'] = req.headers['x-forwarded-proto'] ?? 'http';
  if (req.headers.host && !req.headers['x-forwarded-host']) out['x-forwarded-host'] = req.headers.host;
  out.host = upstreamHost;
  const length = req.headers['content-length'];
  const hasBody = length !== undefined ? Number(length) > 0 : /\bchunked\b/i.test(String(req.headers['transfer-encoding'] ?? ''));
  // A body that came chunked goes on chunked: undici frames a stream of unknown length that way.
  return { headers: out, hasBody };
}

/** Response headers to pass back to the client, as a flat [name, value, ...] list (case and repeats kept). */
export function clientResponseHeaders(raw: string[], connection: string | string[] | undefined, extra: Record<string, string> = {}, without: string[] = []): string[] {
  const drop = dropped(connection);
  for (const w of without) drop.add(w);
  for (const k of Object.keys(extra)) drop.add(k);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!drop.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  for (const [k, v] of Object.entries(extra)) out.push(k, v);
  return out;
}
