/**
 * The Drillbook backend plugin (Backstage's new backend system): mounts the router on
 * `/api/drillbook`, registers Drillbook's permissions, and reads `drillbook.controller` config.
 */
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { readControllerSettings } from './config';
import { ControllerClient } from './controller';
import { drillbookPermissions } from './permissions';
import { createRouter } from './router';

export const drillbookPlugin = createBackendPlugin({
  pluginId: 'drillbook',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ config, logger, httpRouter, httpAuth, userInfo, permissions, permissionsRegistry }) {
        const settings = readControllerSettings(config);
        permissionsRegistry.addPermissions(drillbookPermissions);
        httpRouter.use(await createRouter({ httpAuth, userInfo, permissions, logger, controller: new ControllerClient(settings) }));
        logger.info(`Drillbook: calling the drill controller at ${settings.baseUrl} on behalf of signed-in users`);
      },
    });
  },
});
