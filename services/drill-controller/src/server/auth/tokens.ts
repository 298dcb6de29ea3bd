/**
 * Bearer tokens -> principals. Tokens are kept only as sha256 hashes (from the configuration, or
 * hashed on start from `DRILLBOOK_TOKENS=token:role[:svc+svc],...` for development); a request's
 * token is hashed and looked up, so no secret is ever compared character by character.
 */
import { createHash } from 'node:crypto';
import type { Role, WhoAmI } from '@drillbook/contracts';
import { bearerToken } from '@drillbook/contracts/http';
import type { TokenConfig } from '../config/types.js';

/**
 * Who a request acts as. A plain token: `subject` is the token's name. A trusted front end acting
 * for a person (onBehalf.ts): `person`, `groups` and `via` are set, `subject` is `actorLabel` of it
 * ("alice via backstage"), and role and services are the person's, capped by the token's.
 * Code that needs the human (e.g. a two-person rule) reads `person ?? name`.
 */
export interface Principal extends WhoAmI {
  /** The configured name of the token the request came with. */
  name?: string;
  /** For a token: whether (and how) it may act on behalf of people; never set on a person's principal. */
  onBehalfOf?: TokenConfig['onBehalfOf'];
}

export { actorLabel } from '@drillbook/contracts';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin', 'approver'];
/** Launch rank; `approver` is outside it (it may approve, not launch). */
const RANKED: readonly Role[] = ['viewer', 'operator', 'admin'];

export class InvalidTokenSpec extends Error {}

/** Parse `DRILLBOOK_TOKENS`: comma-separated `token:role[:services]`, services joined by `+` (or `|`). */
export function parseTokenEnv(spec: string | undefined): TokenConfig[] {
  if (!spec?.trim()) return [];
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const [token, role, services, ...rest] = entry.split(':');
      if (!token || !role || rest.length) throw new InvalidTokenSpec(`DRILLBOOK_TOKENS entry ${i + 1}: expected token:role[:services], got "${entry.replace(token ?? '', '***')}"`);
      if (!ROLES.includes(role as Role)) throw new InvalidTokenSpec(`DRILLBOOK_TOKENS entry ${i + 1}: role must be viewer, operator, admin or approver, got "${role}"`);
      const hash = sha256(token);
      return { name: `env:${role}-${hash.slice(0, 8)}`, sha256: hash, role: role as Role, services: services ? services.split(/[+|]/).filter(Boolean) : ['*'] };
    });
}

export class TokenRegistry {
  private readonly byHash = new Map<string, Principal>();

  constructor(tokens: TokenConfig[]) {
    for (const t of tokens) this.byHash.set(t.sha256, { subject: t.name, name: t.name, role: t.role, services: t.services, ...(t.onBehalfOf ? { onBehalfOf: t.onBehalfOf } : {}) });
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The principal of an `Authorization: Bearer <token>` header; null when missing or unknown. */
  authenticate(header: string | undefined): Principal | null {
    const token = bearerToken(header);
    return token === null ? null : (this.byHash.get(sha256(token)) ?? null);
  }
}

const rank = (r: Role) => RANKED.indexOf(r);

export type Permission = 'read' | 'launch' | 'abort' | 'emergency-stop' | 'release' | 'audit';

/** What a role may do. Launch and abort are further limited to the token's services. */
export function allowed(p: Principal, what: Permission, service?: string): boolean {
  switch (what) {
    case 'read':
      return true;
    case 'launch':
    case 'abort':
      return rank(p.role) >= rank('operator') && (p.services.includes('*') || (service !== undefined && p.services.includes(service)));
    case 'emergency-stop':
      return rank(p.role) >= rank('operator');
    case 'release':
    case 'audit':
      return p.role === 'admin';
  }
}
