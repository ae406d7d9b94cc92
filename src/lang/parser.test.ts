import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { ConditionSyntaxError, parse, renderCaret, type Expr } from './index.js';

interface FilterCase {
  readonly condition: string;
  readonly valid: boolean;
  readonly note: string;
}

function accepts(condition: string): boolean {
  try {
    parse(condition);
    return true;
  } catch (err) {
    if (err instanceof ConditionSyntaxError) return false;
    throw err;
  }
}

/** The tree without spans, for comparing shapes. */
function shape(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(shape);
  if (typeof e !== 'object' || e === null) return e;
  return Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'span').map(([k, v]) => [k, shape(v)]));
}

describe('condition parser on the libs parser test cases', () => {
  it('accepts exactly the valid conditions of filter-cases.json', (t) => {
    if (!requireCorpus(t)) return;
    const cases = JSON.parse(readFileSync(corpusPath('falco/filter-cases.json'), 'utf8')) as FilterCase[];
    assert.equal(cases.length, 547);
    const wrong = cases.filter((c) => accepts(c.condition) !== c.valid).map((c) => `${c.valid ? 'rejected valid' : 'accepted invalid'}: ${JSON.stringify(c.condition)}  (${c.note})`);
    assert.deepEqual(wrong, []);
  });
});

describe('condition parser', () => {
  it('gives not > and > or precedence, flattening and/or', () => {
    assert.deepEqual(shape(parse('a.a=1 or b.b=2 and not c and d')), {
      kind: 'or',
      children: [
        { kind: 'check', lhs: { kind: 'field', name: 'a.a' }, op: '=', rhs: { kind: 'literal', value: '1', quoted: false } },
        {
          kind: 'and',
          children: [
            { kind: 'check', lhs: { kind: 'field', name: 'b.b' }, op: '=', rhs: { kind: 'literal', value: '2', quoted: false } },
            { kind: 'not', child: { kind: 'macro', name: 'c' } },
            { kind: 'macro', name: 'd' },
          ],
        },
      ],
    });
  });

  it('reads field arguments, lists, modifiers, val() and transformers', () => {
    const e = parse('proc.aname[2] in (sh, "ba sh") and fd.name = val(proc.exepath) and toupper(fd.name) startswith /TMP and proc.name = oneof (a, b)') as Expr & { kind: 'and' };
    const [a, b, c, d] = e.children.map(shape) as Record<string, unknown>[];
    assert.deepEqual(a, { kind: 'check', lhs: { kind: 'field', name: 'proc.aname', arg: '2' }, op: 'in', rhs: { kind: 'list', items: [{ kind: 'literal', value: 'sh', quoted: false }, { kind: 'literal', value: 'ba sh', quoted: true }] } });
    assert.deepEqual((b?.['rhs'] as Record<string, unknown>)['kind'], 'val');
    assert.deepEqual((c?.['lhs'] as Record<string, unknown>)['name'], 'toupper');
    assert.equal(d?.['modifier'], 'oneof');
  });

  it('unescapes quoted strings', () => {
    const rhs = (cond: string) => ((parse(cond) as { rhs?: { value?: string } }).rhs?.value);
    assert.equal(rhs(String.raw`a.b = "x\ty\x41\"z"`), 'x\tyA"z');
    assert.equal(rhs(String.raw`a.b = 'it\'s'`), "it's");
    assert.throws(() => parse(String.raw`a.b = "\q"`), /unsupported string escape sequence/);
  });

  it('points at the error with a caret', () => {
    try {
      parse('proc.name = x and\n  fd.name contains');
      assert.fail('should not parse');
    } catch (err) {
      assert.ok(err instanceof ConditionSyntaxError);
      assert.deepEqual([err.span.line, err.span.col], [2, 19]);
      assert.equal(renderCaret('proc.name = x and\n  fd.name contains', err.span, err.message), `  fd.name contains\n${' '.repeat(18)}^ expected a blank after 'contains'`);
    }
  });

  it('caps nesting instead of exhausting the stack', () => {
    assert.throws(() => parse(`${'('.repeat(100_000)}a${')'.repeat(100_000)}`), /exceeded max depth limit/);
    assert.doesNotThrow(() => parse(`${'('.repeat(150)}a${')'.repeat(150)}`));
  });

  it('throws only ConditionSyntaxError, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[a-z. ()=!<>"',\\[\]0-9-]{0,40}$/)), (text) => {
        try {
          parse(text);
        } catch (err) {
          assert.ok(err instanceof ConditionSyntaxError, String(err));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
