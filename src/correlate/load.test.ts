import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { technique } from '../core/attack.js';
import { ATTACK_INTENTS } from '../core/threat.js';
import { RULE_SOURCES } from '../rules/sources.js';
import { isCorrelationFile, loadCorrelation } from './load.js';

function load(text: string): ReturnType<typeof loadCorrelation> {
  return loadCorrelation([{ name: 'c.yaml', text }], RULE_SOURCES);
}

function codes(text: string): string[] {
  return load(text).diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
}

describe('correlation loader', () => {
  it('reports every problem of a file at once, with line, column and code', () => {
    const text = [
      '- threat: A', // 1
      '  techniques: [T9999]', // 2
      '  by: container', // 3
      '  within: 10m', // 4
      '  sequence:', // 5
      '    - signal: {rule: X}', // 6
      '- threat: B', // 7
      '  techniques: [T1105]', // 8
      '  by: container', // 9
      '  within: soon', // 10
      '  sequence:', // 11
      '    - signal: {rule: X}', // 12
      '- attack: C', // 13
      '  intent: cryptojacking', // 14
      '  by: container', // 15
      '  within: 1h', // 16
      '  colour: red', // 17
      '  sequence:', // 18
      '    - threat: {name: A}', // 19
      '- attack: D', // 20
      '  by: container', // 21
      '  within: 1h', // 22
      '  sequence:', // 23
      '    - threat: {name: Nothing}', // 24
    ].join('\n');
    const d = load(text).diagnostics;
    assert.deepEqual(
      d.map((x) => `${x.line} ${x.code}`),
      ['2 TECHNIQUE_INVALID', '10 DURATION_INVALID', '17 CORRELATION_UNKNOWN_KEY', '20 CORRELATION_INVALID'],
    );
    assert.match(d[0]?.message ?? '', /T9999 is not a live ATT&CK technique id/);
    assert.equal(d[0]?.file, 'c.yaml');
    assert.ok((d[0]?.col ?? 0) > 0);
    assert.match(d[0]?.excerpt ?? '', /\^/);
    assert.equal(d[0]?.itemName, 'A');
  });

  it('names the technique that replaced a revoked one', () => {
    const revoked = 'T1086'; // PowerShell, revoked by T1059.001
    assert.equal(technique(revoked), undefined);
    const d = load(`- threat: A\n  techniques: [${revoked}]\n  by: container\n  within: 1m\n  sequence:\n    - signal: {rule: X}\n`).diagnostics;
    assert.equal(d[0]?.code, 'TECHNIQUE_INVALID');
    assert.match(d[0]?.message ?? '', /revoked .*use T1059\.001/);
  });

  it('rejects references to missing threats, threat rules feeding each other in a circle, and duplicates', () => {
    const base = (name: string, input: string) => `- threat: ${name}\n  techniques: [T1105]\n  by: container\n  within: 1m\n  sequence:\n    - ${input}\n`;
    const cycle = load(base('A', 'threat: {name: B}') + base('B', 'threat: {name: A}'));
    assert.ok(cycle.diagnostics.some((d) => d.code === 'CORRELATION_CYCLE' && /"A" → "B" → "A"|"B" → "A" → "B"/.test(d.message)), JSON.stringify(cycle.diagnostics));
    assert.equal(cycle.rules.length, 0, 'rules in a circle are not run');
    const self = load(base('A', 'threat: {technique: T1105}'));
    assert.ok(self.diagnostics.some((d) => d.code === 'CORRELATION_CYCLE'), 'a threat that takes its own technique feeds itself');
    const dup = load(base('A', 'signal: {rule: X}') + base('A', 'signal: {rule: Y}'));
    assert.deepEqual(dup.diagnostics.map((d) => d.code), ['CORRELATION_DUPLICATE']);
    assert.deepEqual(codes(base('A', 'threat: {name: Nope}')), ['1:3 CORRELATION_REFERENCE']);
  });

  it('checks event conditions, bindings, absences and attributes', () => {
    const rule = (body: string) => `- threat: A\n  techniques: [T1105]\n  by: container\n  within: 1m\n${body}`;
    const bad = [
      [rule('  sequence:\n    - event: {source: syscall, condition: "proc.nam = x"}\n'), /condition/],
      [rule('  sequence:\n    - event: {source: nowhere, condition: "x = 1"}\n'), /unknown event source/],
      [rule('  sequence:\n    - as: a\n      signal: {rule: X}\n    - signal: {rule: Y}\n  where: ["a.file == b.file"]\n'), /no step is called "b"/],
      [rule('  sequence:\n    - signal: {rule: X}\n      not: true\n      within: 1m\n    - signal: {rule: Y}\n'), /absence .* last step/],
      [rule('  all:\n    - signal: {rule: X}\n      within: 1m\n'), /belongs to a sequence/],
      [rule('  sequence:\n    - signal: {rule: X}\n      distinct: {of: colour, min: 2}\n'), /not an entity type/],
      [rule('  any:\n    - signal: {rule: X}\n  min: 3\n'), /min 3 is more than the 1 steps/],
      [rule('  sequence:\n    - signal: {rule: X}\n      count: 0\n'), /count must be a whole number/],
      [rule('  sequence:\n    - signal: {nonsense: X}\n'), /unknown signal criterion "nonsense"/],
      [rule('  sequence:\n    - signal: {rule: []}\n'), /rule must name at least one value/],
    ] as const;
    for (const [text, message] of bad) {
      const d = load(text).diagnostics;
      assert.equal(d.length, 1, `${text}\n${JSON.stringify(d)}`);
      assert.match(d[0]?.message ?? '', message);
      assert.ok((d[0]?.line ?? 0) >= 1);
    }
  });

  it('tells correlation files from Falco rule files', () => {
    assert.equal(isCorrelationFile('- threat: A\n'), true);
    assert.equal(isCorrelationFile('# c\n- attack: B\n'), true);
    assert.equal(isCorrelationFile('- rule: A\n  condition: x\n'), false);
  });

  it('loads the default library: live techniques, tactics in kill-chain order, every intent with several routes', () => {
    const dir = new URL('../../rules/correlation/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => ({ name: f, text: readFileSync(new URL(f, dir), 'utf8') }));
    const set = loadCorrelation(files, RULE_SOURCES);
    assert.deepEqual(set.diagnostics, []);
    for (const r of set.rules) for (const t of r.techniques) assert.ok(technique(t) !== undefined, `${r.name}: ${t}`);
    const attacks = set.rules.filter((r) => r.kind === 'attack');
    for (const intent of ATTACK_INTENTS) assert.ok(attacks.filter((a) => a.intent === intent).length >= 2, `${intent} has several routes`);
    // Threats come before the attacks that take them.
    const firstAttack = set.rules.findIndex((r) => r.kind === 'attack');
    assert.ok(set.rules.slice(firstAttack).every((r) => r.kind === 'attack'));
  });
});
