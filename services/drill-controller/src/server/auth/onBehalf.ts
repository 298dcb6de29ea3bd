/**
 * The person, not the plugin: a token marked `onBehalfOf` in the configuration (a trusted front
 * end: the Backstage backend plugin, Grafana's plugin proxy) may name the person it acts for, and
 * the request is then authorised with the roles and services granted to that person and their
 * groups (`grants`), capped by the token's own role and services, and recorded as
 * "alice via backstage". The same header from any other token is refused (403) — the HTTP layer
 * audits the refusal.
 *
 * - `onBehalfOf: true`: `X-Drillbook-On-Behalf-Of: user:default/alice` and
 *   `X-Drillbook-On-Behalf-Of-Groups: group:default/team-recsys,...`.
 * - `onBehalfOf: grafana`: `X-Grafana-User: alice` (Grafana's `send_user_header`), the person
 *   `grafana:alice`; the org role and teams from Grafana's `X-Grafana-Context` become the groups
 *   `grafana:role/Editor` and `grafana:team/3`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { actorLabel, GRAFANA_CONTEXT_HEADER, GRAFANA_USER_HEADER, ON_BEHALF_OF_GROUPS_HEADER, ON_BEHALF_OF_HEADER, type Role } from '@drillbook/contracts';
import type { GrantConfig } from '../config/types.js';
import { ApiError } from '../errors.js';
import type { Principal } from './tokens.js';

const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const rank = (r: Role) => ROLES.indexOf(r);
const lower = (h: string) => h.toLowerCase();

/** A printable identity: no control characters, at most 256 characters. */
const IDENTITY = /^[^\x00-\x1f\x7f,]{1,256}$/;

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[lower(name)];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The on-behalf headers present on a request (names as the client spelled them, for the error). */
export function onBehalfHeadersOf(headers: IncomingHttpHeaders): string[] {
  return [ON_BEHALF_OF_HEADER, ON_BEHALF_OF_GROUPS_HEADER, GRAFANA_USER_HEADER].filter((h) => one(headers, h) !== undefined);
}

/** The org role and team ids in Grafana's `X-Grafana-Context` (a JSON of the signed-in user); lenient about key case. */
export function grafanaGroups(context: string | undefined): string[] {
  if (!context) return [];
  let ctx: Record<string, unknown>;
  try {
    ctx = JSON.parse(context) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (!ctx || typeof ctx !== 'object') return [];
  const groups: string[] = [];
  const role = ctx.OrgRole ?? ctx.orgRole;
  if (typeof role === 'string' && /^(Viewer|Editor|Admin)$/.test(role)) groups.push(`grafana:role/${role}`);
  const teams = ctx.Teams ?? ctx.teams;
  if (Array.isArray(teams)) for (const t of teams) if (typeof t === 'number' || (typeof t === 'string' && IDENTITY.test(t))) groups.push(`grafana:team/${t}`);
  return groups;
}

/** The role and services `grants` give a person with these groups: the highest role, and the services of every grant that allows launching. */
export function granted(grants: readonly GrantConfig[], person: string, groups: readonly string[]): { role: Role; services: string[] } | null {
  const mine = grants.filter((g) => (g.person !== undefined && g.person === person) || (g.group !== undefined && groups.includes(g.group)));
  if (!mine.length) return null;
  // `approver` is outside the launch ranking: a person granted it (and nothing above viewer) approves
  // other people's drills; a person who is also an operator or admin keeps that role.
  let role = mine.filter((g) => g.role !== 'approver').reduce<Role>((r, g) => (rank(g.role) > rank(r) ? g.role : r), 'viewer');
  if (role === 'viewer' && mine.some((g) => g.role === 'approver')) role = 'approver';
  const services = [...new Set(mine.filter((g) => rank(g.role) >= rank('operator')).flatMap((g) => g.services))];
  return { role, services: services.includes('*') ? ['*'] : services };
}

/** Caps a person's rights by the front end token's: the lower role, and only services both may act on. */
function cap(token: Principal, person: { role: Role; services: string[] }): { role: Role; services: string[] } {
  // An approver acts through a front end that may change state (not a viewer token).
  if (person.role === 'approver') return { role: token.role === 'viewer' ? 'viewer' : 'approver', services: [] };
  const role = rank(person.role) <= rank(token.role) ? person.role : token.role;
  const services = token.services.includes('*') ? person.services : person.services.includes('*') ? [...token.services] : person.services.filter((s) => token.services.includes(s));
  return { role, services };
}

/**
 * The principal a request acts as: the token's own, or — for a trusted front end that names a
 * person — the person's. Throws 403 (not yet audited) for on-behalf headers from an untrusted
 * token, 400 for malformed ones.
 */
export function resolveOnBehalf(token: Principal, headers: IncomingHttpHeaders, grants: readonly GrantConfig[]): Principal {
  const sent = onBehalfHeadersOf(headers);
  if (!sent.length) return token;
  const trust = token.onBehalfOf;
  const foreign = trust === 'grafana' ? sent.filter((h) => h !== GRAFANA_USER_HEADER) : trust === 'headers' ? sent.filter((h) => h === GRAFANA_USER_HEADER) : sent;
  if (foreign.length) {
    const why = trust
      ? `token ${token.subject} may act on behalf of people only with ${trust === 'grafana' ? GRAFANA_USER_HEADER : ON_BEHALF_OF_HEADER}, not ${foreign.join(', ')}`
      : `token ${token.subject} is not trusted to act on behalf of a person (${foreign.join(', ')}): mark it onBehalfOf in the controller configuration`;
    throw new ApiError(403, why);
  }
  let person: string;
  let groups: string[];
  if (trust === 'grafana') {
    const login = one(headers, GRAFANA_USER_HEADER)!.trim();
    if (!IDENTITY.test(login)) throw new ApiError(400, `${GRAFANA_USER_HEADER}: expected a Grafana login (1-256 printable characters, no comma)`, GRAFANA_USER_HEADER);
    person = `grafana:${login}`;
    groups = grafanaGroups(one(headers, GRAFANA_CONTEXT_HEADER));
  } else {
    const raw = one(headers, ON_BEHALF_OF_HEADER);
    if (raw === undefined) throw new ApiError(400, `${ON_BEHALF_OF_GROUPS_HEADER} needs ${ON_BEHALF_OF_HEADER} (the person the groups belong to)`, ON_BEHALF_OF_HEADER);
    person = raw.trim();
    if (!IDENTITY.test(person)) throw new ApiError(400, `${ON_BEHALF_OF_HEADER}: expected one person such as user:default/alice (1-256 printable characters, no comma)`, ON_BEHALF_OF_HEADER);
    groups = (one(headers, ON_BEHALF_OF_GROUPS_HEADER) ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    const bad = groups.find((g) => !IDENTITY.test(g));
    if (bad !== undefined || groups.length > 64) throw new ApiError(400, `${ON_BEHALF_OF_GROUPS_HEADER}: expected at most 64 comma-separated groups such as group:default/team-recsys`, ON_BEHALF_OF_GROUPS_HEADER);
  }
  const rights = cap(token, granted(grants, person, groups) ?? { role: 'viewer', services: [] });
  const via = token.name ?? token.subject;
  const p: Principal = { subject: '', role: rights.role, services: rights.services, name: token.name, person, groups, via };
  p.subject = actorLabel(p);
  return p;
}
