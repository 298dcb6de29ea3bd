/**
 * Bearer-token check for the admin API: 401 without a valid token, 403 when the read-only
 * token asks for a change. Tokens are read and compared (in constant time) by
 * `@drillbook/contracts/http`, as on the replicas and the controller.
 */
import type { IncomingMessage } from 'node:http';
import { bearerToken, sameSecret } from '@drillbook/contracts/http';

export type Access = 'read' | 'write';

export interface AuthFailure {
  status: 401 | 403;
  error: string;
}

export class AdminAuth {
  constructor(
    private readonly admin: string,
    private readonly read: string | null,
  ) {}

  /** Null when allowed, else the answer to send. */
  check(req: IncomingMessage, needs: Access): AuthFailure | null {
    const given = bearerToken(req.headers.authorization);
    if (given === null) return { status: 401, error: 'missing bearer token (authorization: Bearer <token>)' };
    if (sameSecret(given, this.admin)) return null;
    if (this.read !== null && sameSecret(given, this.read)) {
      return needs === 'read' ? null : { status: 403, error: 'the read-only token cannot change the gateway' };
    }
    return { status: 401, error: 'invalid bearer token' };
  }
}
