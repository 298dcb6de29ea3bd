/**
 * Acting on behalf of a person: the headers a trusted front end (the Backstage backend plugin, the
 * Grafana app plugin through Grafana's plugin proxy) sends with its own bearer token so that the
 * controller authorises and audits the person, not the plugin. The controller refuses them (403,
 * audited) from a token that is not marked `onBehalfOf` in its configuration.
 */

/** The person, e.g. a Backstage user entity ref `user:default/alice`. */
export const ON_BEHALF_OF_HEADER = 'X-Drillbook-On-Behalf-Of';
/** The person's groups, comma-separated, e.g. `group:default/team-recsys,group:default/sre`. */
export const ON_BEHALF_OF_GROUPS_HEADER = 'X-Drillbook-On-Behalf-Of-Groups';
/** Grafana's plugin proxy: the signed-in user's login (`[dataproxy] send_user_header = true`). */
export const GRAFANA_USER_HEADER = 'X-Grafana-User';
/** Grafana's app plugin proxy: the signed-in user as JSON (`OrgRole`, `Teams`, ...). */
export const GRAFANA_CONTEXT_HEADER = 'X-Grafana-Context';

/**
 * How the audit log, drills and events name an actor: "alice via backstage" for a person acting
 * through a front end (a Backstage ref in the default namespace is shortened to its name), else the
 * token's name.
 */
export function actorLabel(p: { subject: string; person?: string; name?: string; via?: string }): string {
  if (!p.person) return p.subject;
  return `${personName(p.person)} via ${p.via ?? p.name ?? p.subject}`;
}

/** `user:default/alice` -> `alice`; `user:ops/alice` -> `ops/alice`; `grafana:alice` -> `alice`; other strings as given. */
export function personName(person: string): string {
  const m = /^(?:user|grafana):(?:default\/)?(.+)$/.exec(person);
  return m ? m[1]! : person;
}

const onBehalfParameters = [
  {
    name: ON_BEHALF_OF_HEADER,
    in: 'header',
    required: false,
    schema: { type: 'string', maxLength: 256 },
    description:
      'Acts on behalf of this person (e.g. the Backstage user entity ref user:default/alice). Only from a token marked onBehalfOf in the controller configuration; ' +
      'from any other token the request is refused with 403 and audited. Roles and services then come from the grants of the person and their groups, capped by the token.',
  },
  {
    name: ON_BEHALF_OF_GROUPS_HEADER,
    in: 'header',
    required: false,
    schema: { type: 'string', maxLength: 4096 },
    description: `The person's groups, comma-separated (e.g. group:default/team-recsys). Only with ${ON_BEHALF_OF_HEADER}.`,
  },
  {
    name: GRAFANA_USER_HEADER,
    in: 'header',
    required: false,
    schema: { type: 'string', maxLength: 256 },
    description:
      "The Grafana login, as Grafana's plugin proxy sends it with send_user_header; its org role and teams are read from X-Grafana-Context. " +
      'Only from a token marked onBehalfOf: grafana; from any other token the request is refused with 403 and audited.',
  },
] as const;

const STATE_CHANGING = ['post', 'put', 'patch', 'delete'];

/**
 * Declares the on-behalf headers on every state-changing operation of an OpenAPI document (in place),
 * including operations added after this module was written, and the 403 they can cause.
 */
export function declareOnBehalfHeaders(doc: { paths: Record<string, unknown> }): void {
  for (const item of Object.values(doc.paths) as Array<Record<string, { parameters?: unknown[]; responses?: Record<string, unknown> }>>) {
    for (const method of STATE_CHANGING) {
      const op = item[method];
      if (!op) continue;
      const params = [...(op.parameters ?? [])];
      for (const p of onBehalfParameters) if (!params.some((x) => (x as { name?: string }).name === p.name)) params.push(p);
      op.parameters = params;
      op.responses = {
        ...op.responses,
        '403': {
          description: "the role does not allow this, or an on-behalf header came from a token that is not trusted for it (audited)",
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      };
    }
  }
}
