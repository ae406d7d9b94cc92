/**
 * The OCSF mapping of one signal: the tactic a rule's `mitre_*` tag names wins among the
 * technique's tactics, else the technique's first in kill-chain order; sub-techniques carry
 * their parent; an id the catalogue does not know stays as given; priorities map to severities.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signal } from '../../core/signal.js';
import { signalToOcsf, signalsToOcsfLines } from './ocsf.js';

const base: Signal = {
  id: 'sig-1',
  rule: 'Instance credentials used from outside',
  source: 'aws_cloudtrail',
  priority: 'Emergency',
  time: '2026-03-04T09:58:03.123456789Z',
  timeMs: 1772618283123.4568,
  tags: ['mitre_credential_access', 'T1552.005', 'T1078.004', 'T9999'],
  entities: [],
  techniques: ['T1552.005', 'T1078.004', 'T9999'],
  input: { path: 'trail.json', line: 7 },
  eventId: 'ct-1',
};
const product = { name: 'Vigil', version: '9.9.9' };

describe('OCSF Detection Finding of a signal', () => {
  it('maps techniques, tactics, severity and time', () => {
    const f = signalToOcsf(base, product) as { severity_id: number; severity: string; time: number; message: string; finding_info: { attacks: unknown[]; desc?: string }; resources?: unknown; evidences?: unknown };
    assert.deepEqual([f.severity_id, f.severity], [6, 'Fatal']);
    assert.equal(f.time, 1772618283123);
    assert.equal(f.message, base.rule, 'without an output, the rule names the finding');
    assert.equal(f.finding_info.desc, undefined);
    assert.equal(f.resources, undefined);
    assert.equal(f.evidences, undefined);
    assert.deepEqual(f.finding_info.attacks, [
      { technique: { uid: 'T1552', name: 'Unsecured Credentials' }, sub_technique: { uid: 'T1552.005', name: 'Cloud Instance Metadata API' }, tactic: { uid: 'TA0006', name: 'Credential Access' }, version: '18.1' },
      // Cloud Accounts is not a credential-access technique: its first tactic in kill-chain order.
      { technique: { uid: 'T1078', name: 'Valid Accounts' }, sub_technique: { uid: 'T1078.004', name: 'Cloud Accounts' }, tactic: { uid: 'TA0001', name: 'Initial Access' }, version: '18.1' },
      { technique: { uid: 'T9999' }, version: '18.1' },
    ]);
  });

  it('prefers the tactic the tags name among the technique’s own', () => {
    const f = signalToOcsf({ ...base, tags: ['mitre_persistence'], techniques: ['T1078.004'] }, product) as { finding_info: { attacks: { tactic: { uid: string } }[] } };
    assert.equal(f.finding_info.attacks[0]?.tactic.uid, 'TA0003');
  });

  it('writes one line per signal', () => {
    const text = signalsToOcsfLines([base, { ...base, id: 'sig-2', priority: 'Notice' }], product);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { finding_info: { uid: string }; severity_id: number });
    assert.deepEqual(lines.map((l) => [l.finding_info.uid, l.severity_id]), [['sig-1', 6], ['sig-2', 2]]);
    assert.equal(signalsToOcsfLines([], product), '');
  });
});
