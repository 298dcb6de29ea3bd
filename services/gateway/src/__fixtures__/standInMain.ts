/**
 * Process entry for a stand-in replica (tests that SIGKILL / SIGSTOP one). Options come as JSON
 * in `STAND_IN_OPTIONS`; prints `stand-in listening on http://127.0.0.1:<port>` when it serves.
 */
import { startStandIn, type StandInOptions } from './standIn.js';

const options = JSON.parse(process.env.STAND_IN_OPTIONS ?? '{}') as StandInOptions;
const standIn = await startStandIn(options);
process.stdout.write(`stand-in listening on ${standIn.url}\n`);
const stop = () => void standIn.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
