/**
 * A throwaway PostgreSQL for tests: `DRILLBOOK_TEST_PG_URL` when set (a fresh database is created
 * on it and dropped afterwards), otherwise Debian's PostgreSQL 15 binaries (`initdb` + `pg_ctl`) in
 * a temporary directory on a free 127.0.0.1 port, run as the `postgres` user when we are root.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const run = promisify(execFile);
const BIN = process.env.DRILLBOOK_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  url: string;
  /** `throwaway` when this helper started the server, `given` when it came from DRILLBOOK_TEST_PG_URL. */
  kind: 'throwaway' | 'given';
  stop(): Promise<void>;
  /** Stops the server the hard way (`-m immediate`: every connection drops) and starts it again on the same port. Throwaway servers only. */
  restart(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const name = `drillbook_test_${randomBytes(4).toString('hex')}`;
  const given = process.env.DRILLBOOK_TEST_PG_URL;
  if (given) {
    await createDatabase(given, name);
    const restart = async () => {
      throw new Error('restart() needs a throwaway PostgreSQL (DRILLBOOK_TEST_PG_URL is set)');
    };
    return { url: withDatabase(given, name), kind: 'given', stop: () => dropDatabase(given, name), restart };
  }
  if (!existsSync(join(BIN, 'initdb'))) throw new Error(`no PostgreSQL binaries in ${BIN} (apt-get install postgresql-15), and DRILLBOOK_TEST_PG_URL is not set`);
  const root = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-pg-'));
  const data = join(dir, 'data');
  const as = (cmd: string, args: string[]) => (root ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await as(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  let port = 0;
  const start = () => as(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`, 'start']);
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await start();
      break;
    } catch (e) {
      if (attempt >= 3) {
        const log = existsSync(join(dir, 'postgres.log')) ? readFileSync(join(dir, 'postgres.log'), 'utf8').split('\n').slice(-10).join('\n') : '';
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`could not start a test PostgreSQL: ${(e as Error).message}\n${log}`);
      }
    }
  }
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await createDatabase(admin, name);
  return {
    url: withDatabase(admin, name),
    kind: 'throwaway',
    restart: async () => {
      await as(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await start();
    },
    stop: async () => {
      await as(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
