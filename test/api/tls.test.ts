/**
 * TLS: with a certificate and key the service speaks HTTPS only, and clients that trust the
 * certificate reach the API.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestService } from '../support/start.js';

function get(url: string, ca: Buffer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the service serves HTTPS with the configured certificate', async (t) => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch (err) {
    if (process.env['CI'] === 'true') throw new Error('openssl is needed to make the test certificate', { cause: err });
    t.skip('openssl not found; skipping');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'vigil-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = await readFile(join(dir, 'cert.pem'));
    const key = await readFile(join(dir, 'key.pem'));
    const svc = await startTestService(t, 'sqlite', { https: { cert, key } });
    assert.ok(svc !== undefined);
    try {
      assert.match(svc.service.url, /^https:\/\//);
      const health = await get(`${svc.service.url}/healthz`, cert, svc.token);
      assert.deepEqual([health.status, JSON.parse(health.body)], [200, { status: 'ok' }]);
      assert.equal((await get(`${svc.service.url}/api/v1/attacks`, cert, svc.token)).status, 200);
      await assert.rejects(fetch(svc.service.url.replace('https:', 'http:') + '/healthz'), 'plain HTTP is not served');
    } finally {
      await svc.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
