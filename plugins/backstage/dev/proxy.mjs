// Stand-in for the Backstage proxy backend in the dev app: forwards /api/proxy/drillbook/* to the
// drill controller with the controller's bearer token, the way the app-config.yaml entry in the
// README does, and streams responses unbuffered so Server-Sent Events arrive as they are sent.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/**
 * `onBehalfOf` (identity screenshots) stands in for the Drillbook backend plugin: it returns the
 * X-Drillbook-On-Behalf-Of headers for the request's user, sent with a token marked onBehalfOf.
 * @param {{ target: string, token?: string, prefix?: string, onBehalfOf?: (req: import('node:http').IncomingMessage) => Record<string, string> | undefined }} options
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean}
 *   handles the request and returns true when its path is under `prefix`.
 */
export function createControllerProxy({ target, token, prefix = '/api/proxy/drillbook', onBehalfOf }) {
  const base = new URL(target);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return (req, res) => {
    const url = req.url ?? '/';
    if (url !== prefix && !url.startsWith(`${prefix}/`) && !url.startsWith(`${prefix}?`)) return false;
    const path = `${base.pathname.replace(/\/$/, '')}${url.slice(prefix.length) || '/'}`;
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // Like the Backstage proxy: the browser's own credentials never reach the controller.
      if (!HOP_BY_HOP.has(name) && name !== 'authorization' && name !== 'cookie' && value !== undefined) headers[name] = value;
    }
    if (token) headers.authorization = `Bearer ${token}`;
    if (onBehalfOf) Object.assign(headers, onBehalfOf(req) ?? {});
    const upstream = send(
      { protocol: base.protocol, hostname: base.hostname, port: base.port, method: req.method, path, headers },
      upstreamRes => {
        const out = {};
        for (const [name, value] of Object.entries(upstreamRes.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, out);
        res.flushHeaders();
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', error => {
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `drill controller at ${target} unreachable: ${error.message}` }));
    });
    req.on('aborted', () => upstream.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
    return true;
  };
}
