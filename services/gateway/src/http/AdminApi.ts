/**
 * The gateway's admin API: `GET|PUT /admin/upstreams`, `GET|POST|DELETE /admin/canary`.
 * Errors answer `{error, field}` like the rest of the platform.
 */
import type http from 'node:http';
import type { GatewayUpstreamsResponse } from '@drillbook/contracts';
import type { Logger } from 'pino';
import type { CanaryController } from '../canary/CanaryController.js';
import { parseUpstreams } from '../config.js';
import { BadRequestError, ConfigError, ConflictError, ReplicaAdminError } from '../errors.js';
import type { HealthChecker } from '../health/HealthChecker.js';
import type { UpstreamPool } from '../health/UpstreamPool.js';
import type { AdminAuth } from './auth.js';
import { parseJsonObject, readBody, sendError, sendJson } from './body.js';
import type { PopularCache } from './PopularCache.js';

export interface AdminDeps {
  auth: AdminAuth;
  pool: UpstreamPool;
  health: HealthChecker;
  canary: CanaryController;
  popular: PopularCache;
  logger: Logger;
  clock: () => number;
  maxBodyBytes: number;
}

export type AdminResource = 'upstreams' | 'canary';

const ALLOWED: Record<AdminResource, string[]> = { upstreams: ['GET', 'PUT'], canary: ['GET', 'POST', 'DELETE'] };

export class AdminApi {
  constructor(private readonly deps: AdminDeps) {}

  async handle(resource: AdminResource, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (!ALLOWED[resource].includes(method)) {
      req.resume();
      sendError(res, 405, `method ${method} not allowed on /admin/${resource}`, undefined, { allow: ALLOWED[resource].join(', ') });
      return;
    }
    const denied = this.deps.auth.check(req, method === 'GET' ? 'read' : 'write');
    if (denied) {
      req.resume();
      sendError(res, denied.status, denied.error, 'authorization', denied.status === 401 ? { 'www-authenticate': 'Bearer' } : undefined);
      return;
    }
    try {
      if (resource === 'upstreams') await this.upstreams(method, req, res);
      else await this.canary(method, req, res);
    } catch (err) {
      this.fail(res, err, resource);
    }
  }

  private async upstreams(method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { pool, health, popular, logger } = this.deps;
    if (method === 'PUT') {
      const body = parseJsonObject(await readBody(req, this.deps.maxBodyBytes));
      const unknown = Object.keys(body).find((k) => k !== 'upstreams');
      if (unknown !== undefined) throw new BadRequestError(unknown, `unknown field "${unknown}" (expected {"upstreams": [...]})`);
      const configs = parseUpstreams(body.upstreams, 'upstreams');
      const { added, removed } = pool.replace(configs);
      logger.info({ added: added.map((u) => u.id), removed: removed.map((u) => u.id), upstreams: configs.map((c) => c.id) }, 'upstream list replaced');
      await health.checkAll();
      if (popular.list === null) await popular.refresh();
    }
    const now = this.deps.clock();
    const answer: GatewayUpstreamsResponse = { upstreams: pool.all.map((u) => u.view(now)) };
    sendJson(res, 200, answer);
  }

  private async canary(method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { canary } = this.deps;
    if (method === 'GET') return sendJson(res, 200, canary.view());
    if (method === 'DELETE') {
      req.resume();
      return sendJson(res, 200, await canary.abort());
    }
    const body = parseJsonObject(await readBody(req, this.deps.maxBodyBytes));
    sendJson(res, 201, await canary.start(body));
  }

  private fail(res: http.ServerResponse, err: unknown, resource: AdminResource): void {
    if (err instanceof BadRequestError) return sendError(res, err.status, err.message, err.field);
    if (err instanceof ConfigError) return sendError(res, 400, err.message, err.key);
    if (err instanceof ConflictError) return sendError(res, 409, err.message);
    if (err instanceof ReplicaAdminError) return sendError(res, 502, err.message, 'replicas');
    this.deps.logger.error({ err: (err as Error).message, resource }, 'admin request failed');
    sendError(res, 500, `admin request failed: ${(err as Error).message}`);
  }
}
