import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from './server.js';

describe('request logs', () => {
  it('never carry a token, however its parameter is spelt', () => {
    assert.equal(redactUrl('/api/v1/ingest/falco?token=vgl_secret'), '/api/v1/ingest/falco?token=%5Bredacted%5D');
    assert.equal(redactUrl('/api/v1/ingest/falco?%74oken=vgl_secret&x=1'), '/api/v1/ingest/falco?token=%5Bredacted%5D&x=1');
    assert.equal(redactUrl('/api/v1/attacks?limit=5'), '/api/v1/attacks?limit=5');
    assert.equal(redactUrl('/healthz'), '/healthz');
  });
});
