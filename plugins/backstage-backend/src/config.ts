/** The plugin's configuration (`drillbook.controller` in app-config.yaml), validated with errors that name the key. */
import type { Config } from '@backstage/config';

export interface ControllerSettings {
  /** The controller's root URL (without /api/v1). */
  baseUrl: string;
  /** The controller token marked `onBehalfOf: true` in the controller's configuration. */
  token: string;
}

export function readControllerSettings(config: Config): ControllerSettings {
  const baseUrl = config.getOptionalString('drillbook.controller.baseUrl');
  if (!baseUrl) throw new Error('drillbook.controller.baseUrl is required: the drill controller\'s root URL, e.g. http://drillbook-controller.sre.svc:7070');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) throw new Error(`drillbook.controller.baseUrl must be an absolute http(s) URL, got "${baseUrl}"`);
  const token = config.getOptionalString('drillbook.controller.token');
  if (!token) throw new Error('drillbook.controller.token is required: a controller token marked onBehalfOf: true in the controller configuration (e.g. ${DRILLBOOK_CONTROLLER_TOKEN})');
  return { baseUrl: baseUrl.replace(/\/+$/, ''), token };
}
