import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startService, type RunningService, type ServiceConfig } from '../../src/service/service.js';
import { PostgresStore } from '../../src/store/postgres.js';
import type { StoreKind } from './live.js';
import { requirePostgres, TEST_DATABASE_URL, testSchema } from './services.js';

/** Where a test service keeps its data: a temp folder (SQLite) or a schema (PostgreSQL). */
export interface TestStoreLocation {
  readonly dir: string;
  readonly schema: string | undefined;
}

export interface TestService {
  readonly service: RunningService;
  readonly token: string;
  readonly where: TestStoreLocation;
  /** Stops the service; removes its data (folder or schema) unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

/**
 * Starts the real service on an ephemeral port over the given store (SQLite in a temp folder,
 * or a schema of its own in the test PostgreSQL), fresh or on the data of an earlier one;
 * undefined when PostgreSQL is absent and the test was skipped.
 */
export async function startTestService(t: TestContext, kind: StoreKind, config: Partial<ServiceConfig> = {}, reuse?: TestStoreLocation): Promise<TestService | undefined> {
  if (kind === 'postgres' && !(await requirePostgres(t))) return undefined;
  const where: TestStoreLocation = reuse ?? { dir: await mkdtemp(join(tmpdir(), 'vigil-svc-')), schema: kind === 'postgres' ? testSchema('vigil_api') : undefined };
  const service = await startService({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(where.dir, 'data'),
    logger: false,
    heartbeatMs: 500,
    ...(where.schema === undefined ? {} : { databaseUrl: TEST_DATABASE_URL, databaseSchema: where.schema }),
    ...(reuse === undefined ? {} : { apiToken: 'vgl_reused-store-test-token' }),
    ...config,
  });
  const token = service.createdToken ?? 'vgl_reused-store-test-token';
  return {
    service,
    token,
    where,
    stop: async (options = {}) => {
      await service.close();
      if (options.keep === true) return;
      if (where.schema !== undefined) {
        const s = new PostgresStore({ url: TEST_DATABASE_URL, schema: where.schema });
        await s.dropSchema();
        await s.close();
      }
      await rm(where.dir, { recursive: true, force: true });
    },
  };
}
