/**
 * The ATT&CK catalogue: generated from the derived ATT&CK data exactly (the build script's
 * check), complete against it, and looked up as the correlation stages and exports need.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { requireShared } from '../../test/support/corpus.js';
import { ATTACK_VERSION, revokedBy, tactic, tactics, technique } from './attack.js';

const ATTACK_DIR = fileURLToPath(new URL('../../../shared/attack/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/build-attack-catalogue.js', import.meta.url));

interface Row {
  id: string;
  name: string;
  tactics: string[];
  revoked: boolean;
  deprecated: boolean;
  revoked_by?: string;
}

describe('ATT&CK catalogue', () => {
  it('is what the build script makes of the ATT&CK data', (t) => {
    if (!requireShared(t, ATTACK_DIR)) return;
    const r = spawnSync(process.execPath, [SCRIPT, '--check', ATTACK_DIR], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('holds every live technique with its name and tactics, and every revocation', (t) => {
    if (!requireShared(t, ATTACK_DIR)) return;
    const rows = JSON.parse(readFileSync(`${ATTACK_DIR}enterprise-techniques.json`, 'utf8')) as Row[];
    let live = 0;
    for (const row of rows) {
      const found = technique(row.id);
      if (row.revoked || row.deprecated) {
        assert.equal(found, undefined, `${row.id} is not live`);
        if (row.revoked_by !== undefined) assert.equal(revokedBy(row.id), row.revoked_by);
        continue;
      }
      live++;
      assert.ok(found, row.id);
      assert.equal(found.name, row.name);
      assert.deepEqual(new Set(found.tactics.map((x) => x.shortname)), new Set(row.tactics));
    }
    assert.equal(live, 691);
    assert.equal(ATTACK_VERSION, '18.1');
  });

  it('gives tactics in kill-chain order, by id or shortname', () => {
    const all = tactics();
    assert.equal(all.length, 14);
    assert.deepEqual(all.map((x) => x.order), Array.from({ length: 14 }, (_, i) => i + 1));
    assert.equal(all[0]?.shortname, 'reconnaissance');
    assert.equal(all[13]?.shortname, 'impact');
    assert.equal(tactic('TA0002'), tactic('execution'));
    assert.equal(tactic('TA0002')?.name, 'Execution');
    assert.equal(tactic('mitre_execution'), undefined);
  });

  it('names a sub-technique with its parent and orders its tactics', () => {
    const imds = technique('T1552.005');
    assert.deepEqual(imds && { name: imds.name, parent: imds.parent, tactics: imds.tactics.map((x) => x.id) }, { name: 'Cloud Instance Metadata API', parent: 'T1552', tactics: ['TA0006'] });
    const cloud = technique('T1078.004');
    assert.ok(cloud);
    const orders = cloud.tactics.map((x) => x.order);
    assert.deepEqual(orders, [...orders].sort((a, b) => a - b));
    assert.ok(cloud.tactics.length > 1);
    assert.equal(technique('T1078')?.parent, undefined);
    assert.equal(technique('T9999'), undefined);
    assert.equal(technique('constructor'), undefined, 'no inherited members');
    assert.equal(revokedBy('T1002'), 'T1560');
    assert.equal(revokedBy('T1078'), undefined);
  });
});
