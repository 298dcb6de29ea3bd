/**
 * Control API of a running stack, for drills that target a stack started separately
 * (`npm run stack`): topology, and the process-level faults only the runner can perform.
 *
 *   GET  /topology
 *   POST /topology/replicas/{id}/{kill|terminate|pause|resume|restart|wipe-registry}
 *
 * Bearer token = the stack's admin token. Listens on 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken, sameSecret, sendJson } from '@drillbook/contracts/http';
import type { Stack } from './Stack.js';

export const STACK_ACTIONS = ['kill', 'terminate', 'pause', 'resume', 'restart', 'wipe-registry'] as const;
export type StackAction = (typeof STACK_ACTIONS)[number];

export async function runAction(stack: Stack, id: string, action: StackAction): Promise<void> {
  switch (action) {
    case 'kill':
      return stack.kill(id, 'SIGKILL');
    case 'terminate':
      return stack.kill(id, 'SIGTERM');
    case 'pause':
      return stack.pause(id);
    case 'resume':
      return stack.resume(id);
    case 'restart':
      return stack.restart(id);
    case 'wipe-registry':
      return stack.wipeRegistry(id);
  }
}

export async function startControl(stack: Stack, port = 0): Promise<{ url: string; server: Server }> {
  const token = stack.info.adminToken;
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => sendJson(res, status, body);
    const given = bearerToken(req.headers.authorization);
    if (given === null || !sameSecret(given, token)) return send(401, { error: 'missing or unknown bearer token' });
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/topology') return send(200, { ...stack.info, adminToken: undefined, processes: stack.processes() });
    const m = /^\/topology\/replicas\/([a-z0-9-]+)\/([a-z-]+)$/.exec(path);
    if (req.method === 'POST' && m) {
      const action = m[2] as StackAction;
      if (!STACK_ACTIONS.includes(action)) return send(400, { error: `unknown action ${m[2]}; expected one of ${STACK_ACTIONS.join(', ')}`, field: 'action' });
      try {
        await runAction(stack, m[1], action);
        return send(200, { replica: stack.replica(m[1]) });
      } catch (e) {
        return send(/no replica/.test((e as Error).message) ? 404 : 409, { error: (e as Error).message });
      }
    }
    send(404, { error: `no route ${req.method} ${path}` });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
