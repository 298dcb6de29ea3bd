/** The gateway's logger: pino JSON lines on stderr, so stdout carries only the "listening" line. */
import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

type Destination = ReturnType<typeof pino.destination>;
const destinations = new WeakMap<Logger, Destination>();

export function createLogger(level: LogLevel): Logger {
  const destination = pino.destination({ fd: 2, sync: false });
  const logger = pino({ level, base: { service: 'gateway', pid: process.pid } }, destination);
  destinations.set(logger, destination);
  return logger;
}

/**
 * Stops writing: every later line is dropped and nothing is flushed at exit. For when the reader of
 * stderr is known to be gone (the supervisor died): sonic-boom's synchronous flush at process exit
 * retries a write that fails with EPIPE forever, so without this a gateway whose supervisor was
 * SIGKILLed could never exit. (pino does the same on its own, but only once an asynchronous EPIPE
 * error has arrived, which can be too late.)
 */
export function dropLogOutput(logger: Logger): void {
  const destination = destinations.get(logger);
  if (!destination) return;
  const noop = () => {};
  destination.write = () => true;
  destination.flushSync = noop;
  destination.flush = noop;
  destination.end = noop;
}

export type { Logger };
