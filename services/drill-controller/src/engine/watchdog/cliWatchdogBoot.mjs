// Entry of the CLI watchdog thread: TypeScript hooks are per thread, so register tsx here first.
import { register } from 'tsx/esm/api';

register();
await import('./cliWatchdogThread.ts');
