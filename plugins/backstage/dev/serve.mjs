#!/usr/bin/env node
// `npm run dev`: the plugin's dev app against a real drill controller.
//   DRILLBOOK_CONTROLLER_URL=http://127.0.0.1:7070 DRILLBOOK_TOKEN=... npm run dev   (a running controller)
//   npm run dev                                  (starts `drillbook serve`, which starts the embedded stack)
// PORT (default 3000) picks the dev app's port; DRILLBOOK_CONTROLLER_CONFIG is passed as --config.
import { randomBytes } from 'node:crypto';
import { startController } from './controller.mjs';
import { startDevServer } from './devServer.mjs';

const port = Number(process.env.PORT ?? 3000);
let controller;
let controllerUrl = process.env.DRILLBOOK_CONTROLLER_URL;
let token = process.env.DRILLBOOK_TOKEN;
try {
  if (!controllerUrl) {
    token = `dev-operator-${randomBytes(12).toString('hex')}`;
    console.log('[dev] starting the drill controller (drillbook serve) ...');
    controller = await startController({ config: process.env.DRILLBOOK_CONTROLLER_CONFIG, tokens: { [token]: 'operator' }, log: line => console.log(`[controller] ${line}`) });
    controllerUrl = controller.url;
  }
  const server = await startDevServer({ controllerUrl, token, port });
  console.log(`[dev] drill controller: ${controllerUrl}`);
  console.log(`[dev] dev app: ${server.url}/drillbook  (entity page: ${server.url}/catalog/default/component/recsys-reference)`);
  const stop = async () => {
    await server.close();
    await controller?.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  await controller?.stop();
  console.error(`[dev] ${error.message}`);
  process.exit(1);
}
