import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startService, type RunningService, type ServiceConfig } from '../../src/service/service.js';
import { PostgresStore } from '../../src/store/postgres.js';
import type { StoreKind } from './live.js';
import { requirePostgres, TEST_DATABASE_URL, testSchema } from './services.js';

export interface TestService {
  readonly service: RunningService;
  readonly token: string;
  /** Stops the service and removes its data (folder or schema). */
  stop(): Promise<void>;
}

/**
 * Starts the real service on an ephemeral port over the given store (SQLite in a temp folder,
 * or a schema of its own in the test PostgreSQL); undefined when PostgreSQL is absent and the
 * test was skipped.
 */
export async function startTestService(t: TestContext, kind: StoreKind, config: Partial<ServiceConfig> = {}): Promise<TestService | undefined> {
  if (kind === 'postgres' && !(await requirePostgres(t))) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-svc-'));
  const schema = kind === 'postgres' ? testSchema('vigil_api') : undefined;
  const service = await startService({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(dir, 'data'),
    logger: false,
    heartbeatMs: 500,
    ...(schema === undefined ? {} : { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema }),
    ...config,
  });
  const token = service.createdToken;
  if (token === undefined) throw new Error('a fresh service makes an admin token');
  return {
    service,
    token,
    stop: async () => {
      await service.close();
      if (schema !== undefined) {
        const s = new PostgresStore({ url: TEST_DATABASE_URL, schema });
        await s.dropSchema();
        await s.close();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
