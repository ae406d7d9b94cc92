/**
 * API tokens: random, shown once, stored only as a SHA-256 hash. The hash of a 256-bit random
 * token needs no salt or slow hash: it cannot be guessed, only stolen, and the store never
 * holds it.
 */

import { createHash, randomBytes } from 'node:crypto';
import { ROLES, type Role, type Store } from '../store/port.js';

export const TOKEN_PREFIX = 'vgl_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Whether a token of role `has` may do what needs `needs`: admin ⊇ analyst ⊇ viewer; ingest stands apart (admin may ingest too). */
export function allows(has: Role, needs: Role): boolean {
  if (has === 'admin') return true;
  if (needs === 'ingest') return has === 'ingest';
  const order: Role[] = ['viewer', 'analyst', 'admin'];
  return has !== 'ingest' && order.indexOf(has) >= order.indexOf(needs);
}

/** Makes and stores a token; returns its text (the only time it exists outside the caller). */
export async function createToken(store: Store, name: string, role: Role, nowMs: number): Promise<{ id: string; token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = `tok_${randomBytes(6).toString('hex')}`;
  await store.createToken({ id, name, role, hash: hashToken(token), createdMs: nowMs });
  return { id, token };
}

/**
 * The first-start flow of contracts.md: `VIGIL_API_TOKEN`, when set, is an admin token (stored as
 * a hash on first sight); otherwise, when the store has no token at all, an admin token is made
 * and returned, to be printed once.
 */
export async function ensureAdminToken(store: Store, envToken: string | undefined, nowMs: number): Promise<{ created?: string }> {
  if (envToken !== undefined && envToken !== '') {
    if ((await store.tokenByHash(hashToken(envToken))) === undefined) {
      const id = `tok_${randomBytes(6).toString('hex')}`;
      try {
        await store.createToken({ id, name: `env-${id.slice(4)}`, role: 'admin', hash: hashToken(envToken), createdMs: nowMs });
      } catch (err) {
        // Its hash is known but not live: it was revoked, and a revoked token never comes back.
        throw new Error('VIGIL_API_TOKEN holds a revoked token: unset it, or set a new one', { cause: err });
      }
    }
    return {};
  }
  if ((await store.listTokens()).some((t) => t.role === 'admin' && t.revokedMs === null)) return {};
  const { token } = await createToken(store, 'admin', 'admin', nowMs);
  return { created: token };
}
