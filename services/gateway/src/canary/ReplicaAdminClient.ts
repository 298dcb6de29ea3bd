/**
 * Calls to a replica's model admin API on the canary's behalf: deploy a version
 * (`POST /admin/model {version}`). Authenticated with the gateway's `upstreamAdminToken`.
 */
import http from 'node:http';
import { ADMIN_PATHS, type ModelState } from '@drillbook/contracts';
import { ReplicaAdminError } from '../errors.js';
import type { Upstream } from '../health/Upstream.js';
import { sendAttempt } from '../http/upstreamRequest.js';

/** Loading a model can take a while on a busy machine. */
const DEPLOY_TIMEOUT_MS = 60_000;

export interface ReplicaAdmin {
  deploy(u: Upstream, version: string): Promise<ModelState>;
}

export class ReplicaAdminClient implements ReplicaAdmin {
  constructor(
    private readonly agent: http.Agent,
    private readonly token: string,
  ) {}

  async deploy(u: Upstream, version: string): Promise<ModelState> {
    const body = Buffer.from(JSON.stringify({ version }));
    let res;
    try {
      res = await sendAttempt(
        this.agent,
        u,
        {
          method: 'POST',
          path: ADMIN_PATHS.model,
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'content-length': body.length },
          body,
        },
        DEPLOY_TIMEOUT_MS,
      );
    } catch (err) {
      throw new ReplicaAdminError(u.id, `deploy ${version}: ${(err as Error).message}`, { cause: err });
    }
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status >= 300) {
      throw new ReplicaAdminError(u.id, `deploy ${version}: status ${res.status} ${text.slice(0, 300)}`);
    }
    try {
      return JSON.parse(text) as ModelState;
    } catch {
      throw new ReplicaAdminError(u.id, `deploy ${version}: answer is not JSON`);
    }
  }
}
