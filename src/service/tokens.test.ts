import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqliteStore } from '../store/sqlite.js';
import { allows, ensureAdminToken, hashToken } from './tokens.js';

describe('tokens', () => {
  it('roles: admin does all, analyst ⊇ viewer, ingest only ingests', () => {
    assert.ok(allows('admin', 'ingest') && allows('admin', 'analyst'));
    assert.ok(allows('analyst', 'viewer') && !allows('analyst', 'admin') && !allows('analyst', 'ingest'));
    assert.ok(allows('ingest', 'ingest') && !allows('ingest', 'viewer'));
    assert.ok(!allows('viewer', 'analyst'));
  });

  it('the first start makes one admin token; VIGIL_API_TOKEN is taken, but never once revoked', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    const made = await ensureAdminToken(store, undefined, 1);
    assert.match(made.created ?? '', /^vgl_/);
    assert.deepEqual(await ensureAdminToken(store, undefined, 2), {}, 'only on the first start');
    assert.equal((await store.tokenByHash(hashToken(made.created ?? '')))?.role, 'admin');
    await ensureAdminToken(store, 'vgl_from-the-environment', 3);
    const env = await store.tokenByHash(hashToken('vgl_from-the-environment'));
    assert.equal(env?.role, 'admin');
    await store.revokeToken(env?.id ?? '', 4);
    await assert.rejects(ensureAdminToken(store, 'vgl_from-the-environment', 5), /VIGIL_API_TOKEN holds a revoked token/);
    await store.close();
  });
});
