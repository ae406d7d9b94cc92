import { PostgresStore } from './postgres.js';
import type { Store } from './port.js';
import { SqliteStore } from './sqlite.js';

/**
 * The store the settings select: PostgreSQL when a `postgres://` URL is given, else SQLite in
 * the data folder. Migrations are applied before it is returned.
 */
export async function openStore(options: { dataDir: string; databaseUrl?: string | undefined; schema?: string }): Promise<Store> {
  const url = options.databaseUrl;
  let store: Store;
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('VIGIL_DATABASE_URL must be a postgres:// or postgresql:// URL');
    store = new PostgresStore({ url, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  } else {
    store = new SqliteStore(options.dataDir);
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
