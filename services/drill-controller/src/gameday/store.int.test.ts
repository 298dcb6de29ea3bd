/**
 * The game-day store keeps schedules and the rest across a reopen, on SQLite and on a real
 * PostgreSQL (Debian's binaries, or DRILLBOOK_TEST_PG_URL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres.js';
import { openGameDayStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-gameday-store-'));
let pg: TestPostgres | null = null;
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  { name: 'SQLite', url: async () => undefined },
  { name: 'PostgreSQL', url: async () => (pg = await startTestPostgres()).url },
])('game-day store on $name', ({ url }) => {
  it('keeps documents in write order across a reopen, replaces by id and deletes', { timeout: 120_000 }, async () => {
    const opts = { url: await url(), sqliteFile: join(dir, `${Math.random()}.db`) };
    const a = await openGameDayStore(opts);
    await a.put('schedule', 's1', { id: 's1', cron: '0 3 * * *' });
    await a.put('schedule', 's2', { id: 's2', cron: '0 4 * * *' });
    await a.put('schedule', 's1', { id: 's1', cron: '0 5 * * *' });
    await a.put('blackout', 'b1', { id: 'b1' });
    await a.close();
    const b = await openGameDayStore(opts);
    expect(await b.list('schedule')).toEqual([{ id: 's1', cron: '0 5 * * *' }, { id: 's2', cron: '0 4 * * *' }]);
    expect(await b.get('blackout', 'b1')).toEqual({ id: 'b1' });
    expect(await b.remove('schedule', 's2')).toBe(true);
    expect(await b.remove('schedule', 's2')).toBe(false);
    expect(await b.list('schedule')).toHaveLength(1);
    await b.close();
  });
});
