/** The gateway's logger: pino JSON lines on stderr, so stdout carries only the "listening" line. */
import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'gateway', pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}

export type { Logger };
