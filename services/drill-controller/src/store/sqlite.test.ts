import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite.js';
import { drillRecord, storeContract } from './__fixtures__/storeContract.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeContract('SQLite', async () => new SqliteStore(join(dir, `store-${++n}.db`)));

describe('SQLite durability', () => {
  it('uses the WAL journal mode', async () => {
    const s = new SqliteStore(join(dir, 'wal.db'));
    expect(s.journalMode()).toBe('wal');
    await s.close();
  });

  it('finds a drill again after the database is closed and reopened', async () => {
    const file = join(dir, 'reopen.db');
    const a = new SqliteStore(file);
    const r = drillRecord();
    await a.insertDrill(r);
    await a.close();
    const b = new SqliteStore(file);
    expect(await b.getDrill(r.id)).toEqual(r);
    await b.close();
  });
});
