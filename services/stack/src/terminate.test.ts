import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { terminate } from './terminate.js';

/** A node child that prints "ready" once its handlers are set. */
function child(script: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['-e', `${script}; console.log('ready'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    c.stdout!.once('data', () => resolve(c));
    c.once('error', reject);
  });
}

describe('terminate (SIGTERM, then SIGKILL)', () => {
  it('lets a process that handles SIGTERM exit on its own', async () => {
    const c = await child(`process.on('SIGTERM', () => process.exit(3))`);
    expect(await terminate(c, 30_000)).toEqual({ how: 'exited', code: 3, signal: null });
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const c = await child(`process.on('SIGTERM', () => {})`);
    expect(await terminate(c, 300)).toEqual({ how: 'killed', code: null, signal: 'SIGKILL' });
  });

  it('resumes a paused (SIGSTOP) process so that it can handle SIGTERM', async () => {
    const c = await child(`process.on('SIGTERM', () => process.exit(0))`);
    c.kill('SIGSTOP');
    expect(await terminate(c, 30_000)).toEqual({ how: 'exited', code: 0, signal: null });
  });

  it('answers at once for a process that has already exited', async () => {
    const c = await child(`setTimeout(() => process.exit(5), 10)`);
    await new Promise((r) => c.once('exit', r));
    expect(await terminate(c)).toEqual({ how: 'already', code: 5, signal: null });
  });
});
