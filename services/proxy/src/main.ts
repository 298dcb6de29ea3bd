/** Process entry without the drillbook CLI: `tsx services/proxy/src/main.ts --upstream URL --listen HOST:PORT --admin-token T`. */
import { proxyCli } from './cli.js';

process.exitCode = await proxyCli(process.argv.slice(2));
