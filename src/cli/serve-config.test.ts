import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServeConfig } from './serve-config.js';

describe('the serve config file', () => {
  it('takes every known setting', () => {
    const r = parseServeConfig(
      ['host: 0.0.0.0', 'port: 9000', 'data: /var/lib/vigil', 'rules: [a.yaml, b/]', 'rule_matching: all', 'log_level: debug', 'retention: 30d', 'tls: {cert: c.pem, key: k.pem}', 'limits: {max_body_bytes: 1048576, max_records: 500, max_depth: 32}'].join('\n'),
      'vigil.yaml',
    );
    assert.ok(r.ok);
    assert.deepEqual(r.config.rules, ['a.yaml', 'b/']);
    assert.equal(r.config.limits?.max_records, 500);
  });

  it('refuses unknown keys and wrong values, reporting every problem with its line', () => {
    const r = parseServeConfig(['port: 99999', 'hots: 0.0.0.0', 'rule_matching: some', 'tls:', '  cert: c.pem', 'limits:', '  max_depth: 2', '  colour: red', 'retention: a week'].join('\n'), 'vigil.yaml');
    assert.equal(r.ok, false);
    if (r.ok) return;
    const byLine = r.problems.map((p) => p.replace(/^vigil\.yaml:(\d+):\d+: .*/, '$1'));
    assert.deepEqual(byLine, ['1', '2', '3', '5', '7', '8', '9']);
    assert.ok(r.problems.some((p) => /vigil\.yaml:2:\d+: the config: unknown key "hots"/.test(p)), r.problems.join('\n'));
    assert.ok(r.problems.some((p) => /vigil\.yaml:8:3: limits: unknown key "colour"/.test(p)), r.problems.join('\n'));
    assert.ok(r.problems.some((p) => /retention: must be a duration such as 7d or 12h, or forever/.test(p)));
    assert.ok(r.problems.some((p) => /rule_matching: must be one of first, all/.test(p)));
    assert.ok(r.problems.some((p) => /tls: must have required property 'key'/.test(p)));
  });

  it('reports YAML syntax errors with their position', () => {
    const r = parseServeConfig('port: [1, 2\nhost: x', 'bad.yaml');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.problems[0] ?? '', /^bad\.yaml:\d+:\d+: /);
  });
});
