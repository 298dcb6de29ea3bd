/**
 * Bearer-token check for the admin API: 401 without a valid token, 403 when the read-only
 * token asks for a change. Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type Access = 'read' | 'write';

export interface AuthFailure {
  status: 401 | 403;
  error: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class AdminAuth {
  private readonly admin: Buffer;
  private readonly read: Buffer | null;

  constructor(adminToken: string, readToken: string | null) {
    this.admin = digest(adminToken);
    this.read = readToken === null ? null : digest(readToken);
  }

  /** Null when allowed, else the answer to send. */
  check(req: IncomingMessage, needs: Access): AuthFailure | null {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return { status: 401, error: 'missing bearer token (authorization: Bearer <token>)' };
    const given = digest(match[1]);
    if (timingSafeEqual(given, this.admin)) return null;
    if (this.read !== null && timingSafeEqual(given, this.read)) {
      return needs === 'read' ? null : { status: 403, error: 'the read-only token cannot change the gateway' };
    }
    return { status: 401, error: 'invalid bearer token' };
  }
}
