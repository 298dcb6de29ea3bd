// `npm run build:dev`: bundles the dev app (dev-dist/) to check that it builds.
import { devViteConfig } from './devServer.mjs';

export default devViteConfig();
