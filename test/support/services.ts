import pg from 'pg';
import type { TestContext } from 'node:test';

/** The PostgreSQL the tests use: `VIGIL_TEST_DATABASE_URL`, else the local server's `test` database. */
export const TEST_DATABASE_URL = process.env['VIGIL_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the test PostgreSQL answers. Absent on a user's laptop: the test is skipped with a
 * notice; under CI=true its absence fails.
 */
export async function requirePostgres(t: TestContext): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    if (process.env['CI'] === 'true') throw new Error(`PostgreSQL is required under CI=true at ${TEST_DATABASE_URL}`, { cause: err });
    t.skip(`PostgreSQL not reachable at ${TEST_DATABASE_URL}; skipping`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name of its own per test store, so parallel test files never share tables. */
export function testSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
}
