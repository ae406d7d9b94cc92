import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePlacement, type Placement } from './process-fields.js';

const POD: Placement = {
  containerId: '038e1f3a3185',
  containerFullId: 'containerd://038e1f3a3185c0c601884014b1ae1202f958ca3a2d5a13915753949f60b61be5',
  containerName: 'search',
  podName: 'search-7d9f-8c957',
  namespace: 'shop',
  workload: 'search',
  workloadKind: 'Deployment',
  image: 'docker.io/acme/search:4.1.0',
};

describe('mergePlacement', () => {
  it('gives the newer placement itself when the older adds nothing', () => {
    const older: Placement = { containerId: POD.containerId, podName: POD.podName };
    assert.equal(mergePlacement(POD, older), POD);
    assert.equal(mergePlacement(POD, { ...POD }), POD, 'equal facts: nothing to add');
    assert.equal(mergePlacement(POD, POD), POD);
  });

  it('fills the newer placement from the older where it is silent', () => {
    const newer: Placement = { containerId: POD.containerId, podName: POD.podName };
    const merged = mergePlacement(newer, POD);
    assert.notEqual(merged, newer);
    assert.deepEqual(merged, { ...POD, podUid: undefined, imageDigest: undefined });
    // The longest container id wins, even over a newer short one.
    const short: Placement = { ...POD, containerFullId: '038e1f3a3185c0c6' };
    assert.equal(mergePlacement(short, POD)?.containerFullId, POD.containerFullId);
    assert.equal(mergePlacement(POD, short), POD);
  });

  it("never pins one container's pod on another", () => {
    const other: Placement = { containerId: 'aaaaaaaaaaaa', podName: 'other' };
    assert.equal(mergePlacement(other, POD), other);
    assert.equal(mergePlacement(undefined, POD), POD);
    assert.equal(mergePlacement(POD, undefined), POD);
  });
});
