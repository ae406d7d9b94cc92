/**
 * Routes of the default library (rules/correlation/) on signals shaped like Vigil's own, where
 * the scenario library has no scenario for them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Signal } from '../core/signal.js';
import { RULE_SOURCES, SOURCE_BINDINGS } from '../rules/sources.js';
import { CorrelationEngine } from './engine.js';
import { loadCorrelation } from './load.js';
import { ent, sig } from './testing.js';

const DIR = new URL('../../rules/correlation/', import.meta.url);
const SET = loadCorrelation(readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ name: f, text: readFileSync(new URL(f, DIR), 'utf8') })), RULE_SOURCES);

function attacks(signals: readonly Signal[]): { intent: string; name: string }[] {
  const engine = new CorrelationEngine(SET, SOURCE_BINDINGS);
  for (const s of signals) engine.signal(s);
  engine.flush();
  return engine.attacks.map((a) => ({ intent: a.intent, name: a.name }));
}

const POD = ent('pod', 'shop/miner-7f9c', 'miner-7f9c');
const CONTAINER = ent('container', 'abcdefabcdef', 'miner');
const USER = ent('k8s-user', 'dev-carol@acme.io');

describe('default library routes', () => {
  it('cryptojacking: a pod deployed with a miner image, then mining in it', () => {
    const found = attacks([
      sig('Pod created with a cryptominer image', 0, [USER, POD], { source: 'k8s_audit' }),
      sig('Connection to mining pool port', 40, [CONTAINER, POD]),
    ]);
    assert.deepEqual(found, [{ intent: 'cryptojacking', name: 'Cryptojacking through a deployed workload' }]);
  });

  it('no attack from the deployment alone, nor from mining in another pod', () => {
    assert.deepEqual(attacks([sig('Pod created with a cryptominer image', 0, [USER, POD], { source: 'k8s_audit' })]), []);
    assert.deepEqual(attacks([sig('Pod created with a cryptominer image', 0, [USER, POD], { source: 'k8s_audit' }), sig('Connection to mining pool port', 40, [ent('container', '111111111111'), ent('pod', 'shop/web-1')])]), []);
  });

  it('container escape: host namespaces, then a download piped into a shell on that node', () => {
    const node = ent('node', 'ip-10-0-1-5');
    const found = attacks([
      sig('Namespace tool run in container', 0, [CONTAINER, POD, node]),
      sig('Download piped into shell', 60, [node]),
    ]);
    assert.deepEqual(found, [{ intent: 'container-escape', name: 'Escape to the host, then activity there' }]);
  });
});
