import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalContainerId, canonicalImage, createEntity, EntitySet, entityKey, namespacedId } from './entity.js';

describe('entity keys', () => {
  it('cut every container id form to the 12 hex digits Falco shows', () => {
    const full = '19a02291e106ce6227b684197be232ea57c4e1a5ab2604a12608c325d701c7f4';
    assert.equal(canonicalContainerId(`containerd://${full}`), '19a02291e106');
    assert.equal(canonicalContainerId(`docker://${full.toUpperCase()}`), '19a02291e106');
    assert.equal(canonicalContainerId(full.slice(0, 31)), '19a02291e106');
    assert.equal(canonicalContainerId('19a02291e106'), '19a02291e106');
    assert.equal(canonicalContainerId('host'), 'host');
  });

  it('make Docker Hub defaults explicit in image ids and keep the digest apart', () => {
    assert.deepEqual(canonicalImage('nginx'), { id: 'docker.io/library/nginx:latest' });
    assert.deepEqual(canonicalImage('nginx:1.25'), { id: 'docker.io/library/nginx:1.25' });
    assert.deepEqual(canonicalImage('falcosecurity/event-generator'), { id: 'docker.io/falcosecurity/event-generator:latest' });
    assert.deepEqual(canonicalImage('docker.io/tgraf/netperf:latest'), { id: 'docker.io/tgraf/netperf:latest' });
    assert.deepEqual(canonicalImage('localhost:5000/app:v1'), { id: 'localhost:5000/app:v1' });
    assert.deepEqual(canonicalImage('quay.io/cilium/tetragon@sha256:abc'), { id: 'quay.io/cilium/tetragon', digest: 'sha256:abc' });
    // no repository: no image (found by fuzzing Falco alerts with container.image.repository "@")
    assert.equal(canonicalImage('@:latest'), undefined);
    assert.equal(canonicalImage(':latest'), undefined);
    assert.equal(canonicalImage(''), undefined);
  });

  it('scope namespaced objects', () => {
    assert.equal(namespacedId('default', 'nginx'), 'default/nginx');
    assert.equal(namespacedId(undefined, 'node-1'), 'node-1');
  });
});

describe('EntitySet', () => {
  it('keeps one entity per key, merging attrs, and one relation per edge', () => {
    const s = new EntitySet();
    const a = s.add(createEntity('container', 'abc', 'web', { full: 'x' }));
    assert.equal(s.add(createEntity('container', 'abc', 'other', { image: 'i' })), a);
    const p = s.add(createEntity('pod', 'ns/p'));
    s.relate(a, 'runs-in', p);
    s.relate(a, 'runs-in', p);
    s.relate(a, 'runs-in', undefined);
    s.relate(a, 'runs-in', a);
    assert.equal(s.entities.length, 2);
    assert.deepEqual(s.entities[0], { type: 'container', id: 'abc', name: 'web', attrs: { full: 'x', image: 'i' } });
    assert.deepEqual(s.relations, [{ from: 'container:abc', kind: 'runs-in', to: 'pod:ns/p' }]);
    assert.equal(entityKey(s.entities[1] as never), 'pod:ns/p');
  });
});
