/**
 * `vigil token create|list|revoke`: API tokens, on the store the service uses (`--data`, or
 * `VIGIL_DATABASE_URL`). A created token is printed once; only its hash is kept.
 */

import { messageOf } from '../../core/errors.js';
import { createToken, isRole } from '../../service/tokens.js';
import { openStore } from '../../store/open.js';
import { ROLES, type Store } from '../../store/port.js';
import type { CliIo } from '../io.js';

export interface TokenOptions {
  readonly data?: string;
  readonly name?: string;
  readonly role?: string;
  readonly json?: boolean;
}

async function withStore(opts: TokenOptions, env: NodeJS.ProcessEnv, io: CliIo, body: (s: Store) => Promise<number>): Promise<number> {
  let store: Store;
  try {
    store = await openStore({ dataDir: opts.data ?? env['VIGIL_DATA'] ?? '.vigil', databaseUrl: env['VIGIL_DATABASE_URL'] });
  } catch (err) {
    io.err(`vigil: cannot open the store: ${messageOf(err)}\n`);
    return 1;
  }
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

export function tokenCreateCommand(opts: TokenOptions, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const role = opts.role ?? 'viewer';
  if (!isRole(role)) {
    io.err(`vigil: --role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(role)})\n`);
    return Promise.resolve(2);
  }
  const name = opts.name ?? role;
  if (!/^[A-Za-z0-9._@-]{1,100}$/.test(name)) {
    io.err('vigil: --name may hold letters, digits and . _ @ - (at most 100)\n');
    return Promise.resolve(2);
  }
  return withStore(opts, env, io, async (store) => {
    const now = Date.now();
    const made = await createToken(store, name, role, now);
    await store.audit({ timeMs: now, actor: 'cli', action: 'token.create', target: `token:${made.id}`, detail: { name, role } });
    if (opts.json === true) io.out(`${JSON.stringify({ id: made.id, name, role, token: made.token })}\n`);
    else io.out(`${made.token}\n`);
    io.err(`vigil: token ${made.id} (${name}, role ${role}) created; it is shown only this once\n`);
    return 0;
  });
}

export function tokenListCommand(opts: TokenOptions, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  return withStore(opts, env, io, async (store) => {
    const rows = await store.listTokens();
    if (opts.json === true) {
      io.out(`${JSON.stringify(rows.map((t) => ({ id: t.id, name: t.name, role: t.role, created_at: new Date(t.createdMs).toISOString(), revoked_at: t.revokedMs === null ? null : new Date(t.revokedMs).toISOString() })))}\n`);
      return 0;
    }
    for (const t of rows) {
      io.out(`${t.id}  ${t.role.padEnd(8)} ${t.name.padEnd(20)} created ${new Date(t.createdMs).toISOString()}${t.revokedMs === null ? '' : `  revoked ${new Date(t.revokedMs).toISOString()}`}\n`);
    }
    if (rows.length === 0) io.out('no tokens\n');
    return 0;
  });
}

export function tokenRevokeCommand(idOrName: string, opts: TokenOptions, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  return withStore(opts, env, io, async (store) => {
    const now = Date.now();
    if (!(await store.revokeToken(idOrName, now))) {
      io.err(`vigil: no live token with id or name ${JSON.stringify(idOrName)}\n`);
      return 1;
    }
    await store.audit({ timeMs: now, actor: 'cli', action: 'token.revoke', target: `token:${idOrName}` });
    io.err(`vigil: token ${idOrName} revoked\n`);
    return 0;
  });
}
