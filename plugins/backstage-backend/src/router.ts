/**
 * The plugin's routes: the controller's `/api/v1` API, mirrored under `/api/drillbook/api/v1`, for
 * signed-in Backstage users only. Each request is checked against Drillbook's permissions (launch
 * and abort on the service's catalogue entity) and then sent to the controller with the plugin's
 * trusted token on the user's behalf, so the controller applies the person's own grants as well
 * and audits "alice via backstage".
 */
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import type { HttpAuthService, LoggerService, PermissionsService, UserInfoService, BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult, type BasicPermission, type ResourcePermission } from '@backstage/plugin-permission-common';
import { ControllerClient, relay, type Person } from './controller';
import {
  drillbookAbortPermission,
  drillbookEmergencyStopPermission,
  drillbookLaunchPermission,
  drillbookReadPermission,
  drillbookReleasePermission,
} from './permissions';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  logger: LoggerService;
  controller: ControllerClient;
}

/** The catalogue entity a controller service belongs to: its configured `entityRef`, else `component:default/<id>`. */
export function entityRefOf(service: { id: string; entityRef?: string }): string {
  return service.entityRef ?? stringifyEntityRef({ kind: 'component', namespace: 'default', name: service.id });
}

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, userInfo, permissions, logger, controller } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  async function caller(req: Request): Promise<{ credentials: BackstageCredentials<BackstageUserPrincipal>; person: Person }> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const info = await userInfo.getUserInfo(credentials);
    const groups = info.ownershipEntityRefs.filter((r) => r !== info.userEntityRef);
    return { credentials, person: { userEntityRef: info.userEntityRef, groups } };
  }

  async function require(credentials: BackstageCredentials, person: Person, permission: BasicPermission | ResourcePermission<'catalog-entity'>, what: string, resourceRef?: string): Promise<void> {
    const [decision] = await permissions.authorize([resourceRef ? { permission: permission as ResourcePermission<'catalog-entity'>, resourceRef } : { permission: permission as BasicPermission }], { credentials });
    if (decision.result === AuthorizeResult.ALLOW) return;
    logger.warn(`denied ${permission.name} to ${person.userEntityRef}${resourceRef ? ` on ${resourceRef}` : ''}`);
    throw new NotAllowedError(`${person.userEntityRef} may not ${what}${resourceRef ? ` on ${resourceRef}` : ''} (permission ${permission.name})`);
  }

  /** The catalogue entity of a controller service, read as the person (so an unknown service is the controller's 404). */
  async function serviceEntity(person: Person, serviceId: string): Promise<string | null> {
    const svc = await controller.json<{ id: string; entityRef?: string }>(person, `/services/${encodeURIComponent(serviceId)}`);
    return svc ? entityRefOf(svc) : null;
  }

  const pathOf = (req: Request) => req.originalUrl.slice(req.originalUrl.indexOf('/api/v1') + '/api/v1'.length);

  async function pass(req: Request, res: express.Response, person: Person, body?: unknown): Promise<void> {
    const ctrl = new AbortController();
    res.on('close', () => ctrl.abort());
    const last = req.header('last-event-id');
    const upstream = await controller.call(person, req.method, pathOf(req), { body, headers: last ? { 'last-event-id': last } : {}, signal: ctrl.signal });
    await relay(upstream, res);
  }

  router.post('/api/v1/drills', async (req, res) => {
    const { credentials, person } = await caller(req);
    const body = req.body as { runbook?: unknown; service?: unknown; dryRun?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.runbook !== 'string') throw new InputError('body: a JSON object with "runbook" (a runbook name) is required');
    if (body.dryRun === true) {
      await require(credentials, person, drillbookReadPermission, 'plan drills');
    } else {
      let service = typeof body.service === 'string' ? body.service : undefined;
      if (service === undefined) service = (await controller.json<{ service: string }>(person, `/runbooks/${encodeURIComponent(body.runbook)}`))?.service;
      const entity = service === undefined ? null : await serviceEntity(person, service);
      // Unknown runbook or service: let the controller answer with its own 404 naming the field.
      if (entity) await require(credentials, person, drillbookLaunchPermission, 'launch drills', entity);
    }
    await pass(req, res, person, req.body);
  });

  router.post('/api/v1/drills/:id/abort', async (req, res) => {
    const { credentials, person } = await caller(req);
    const drill = await controller.json<{ service: string }>(person, `/drills/${encodeURIComponent(req.params.id)}`);
    const entity = drill ? await serviceEntity(person, drill.service) : null;
    if (entity) await require(credentials, person, drillbookAbortPermission, 'abort drills', entity);
    await pass(req, res, person, req.body && Object.keys(req.body).length ? req.body : undefined);
  });

  router.post('/api/v1/emergency-stop', async (req, res) => {
    const { credentials, person } = await caller(req);
    await require(credentials, person, drillbookEmergencyStopPermission, 'engage the emergency stop');
    await pass(req, res, person, req.body ?? {});
  });

  router.delete('/api/v1/emergency-stop', async (req, res) => {
    const { credentials, person } = await caller(req);
    await require(credentials, person, drillbookReleasePermission, 'release the emergency stop');
    await pass(req, res, person);
  });

  router.get('/api/v1/*', async (req, res) => {
    const { credentials, person } = await caller(req);
    await require(credentials, person, drillbookReadPermission, 'read Drillbook');
    await pass(req, res, person);
  });

  // Any other state change (a newer controller's operations): the controller applies the person's grants and audits it.
  router.all('/api/v1/*', async (req, res) => {
    const { credentials, person } = await caller(req);
    await require(credentials, person, drillbookReadPermission, 'use Drillbook');
    await pass(req, res, person, req.body && Object.keys(req.body).length ? req.body : undefined);
  });

  return router;
}
