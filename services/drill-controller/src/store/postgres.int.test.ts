import { afterAll, beforeAll } from 'vitest';
import { PostgresStore } from './postgres.js';
import { startTestPostgres, type TestPostgres } from './testing/postgres.js';
import { storeContract } from './__fixtures__/storeContract.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

storeContract('PostgreSQL', () => PostgresStore.open(pg.url));
