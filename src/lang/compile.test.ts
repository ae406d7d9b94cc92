import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { compile, compileConditionList, ConditionCompileError, createFieldTable, FieldMemo, parse, SharedConditions, type AndExpr, type Expr, type FieldSpec, type FieldType, type FieldValue } from './index.js';

type Ev = Readonly<Record<string, FieldValue | undefined>>;

/** A field reading the same-named member of a test event. */
function f(name: string, type: FieldType, extra: Partial<FieldSpec<Ev>> = {}): FieldSpec<Ev> {
  return { name, type, extract: (ev) => ev[name], ...extra };
}

const fields = createFieldTable<Ev>([
  f('proc.name', 'string'),
  f('proc.pname', 'string'),
  f('proc.pid', 'number'),
  f('fd.name', 'string'),
  f('evt.is_io', 'bool'),
  f('ka.images', 'string', { list: true }),
  f('proc.aname', 'string', { arg: 'optional', extract: (ev, arg) => (arg === undefined ? ev['proc.aname'] : (ev['proc.aname'] as string[] | undefined)?.[Number(arg)]) }),
  f('evt.arg', 'string', { arg: 'required', extract: (ev, arg) => ev[`evt.arg.${arg ?? ''}`] }),
  // a field the source never supplies
  f('proc.tty', 'number', { never: true }),
  // the libs compiler-test mock fields
  f('c.true', 'string', { extract: () => '1' }),
  f('c.false', 'string', { extract: () => '0' }),
  f('c.singlequote', 'string', { extract: () => "hello 'quoted'" }),
  f('c.doublequote', 'string', { extract: () => 'hello "quoted"' }),
]);

const EV: Ev = {
  'proc.name': 'nginx',
  'proc.pname': 'nginx',
  'proc.pid': 42,
  'fd.name': '/opt/dir/subdir/file.txt',
  'evt.is_io': true,
  'ka.images': ['docker.io/nginx:1', 'docker.io/redis:7'],
  'proc.aname': ['nginx', 'containerd-shim', 'systemd'],
  'evt.arg.flags': 'O_RDONLY',
};

const run = (condition: string, ev: Ev = EV) => compile(parse(condition), fields)(ev);

describe('fields the source never supplies', () => {
  for (const generate of [false, true]) {
    const runAs = (condition: string, ev: Ev = EV) => compile(parse(condition), fields, { generate })(ev);
    it(`${generate ? 'generated' : 'closures'}: a check on one is unknown, false however it is negated`, () => {
      assert.equal(runAs('proc.tty = 0'), false);
      assert.equal(runAs('not proc.tty = 0'), false, 'unknown, not true');
      assert.equal(runAs('not not proc.tty = 0'), false);
      assert.equal(runAs('proc.tty exists'), false);
      // De Morgan: not (a and unknown) = not a or unknown: true exactly when a is false
      assert.equal(runAs('not (proc.name = nginx and proc.tty = 0)'), false);
      assert.equal(runAs('not (proc.name = apache and proc.tty = 0)'), true);
      assert.equal(runAs('not (proc.name = apache or proc.tty = 0)'), false, 'not a and unknown');
      // a field that exists but is absent on this event keeps Falco's two values
      assert.equal(runAs('not fd.name = x', { 'proc.name': 'sh' }), true);
      assert.equal(runAs('proc.name = nginx or proc.tty = 0'), true);
    });
  }
});

describe('compiler on the libs boolean and quoting cases', () => {
  it('evaluates every mock-field case of filter-eval-cases.json as expected', (t) => {
    if (!requireCorpus(t)) return;
    const cases = (JSON.parse(readFileSync(corpusPath('falco/filter-eval-cases.json'), 'utf8')) as { condition: string; expected: boolean; context: string }[]).filter((c) => c.context.startsWith('mock fields'));
    assert.equal(cases.length, 40);
    const wrong = cases.filter((c) => run(c.condition) !== c.expected).map((c) => c.condition);
    assert.deepEqual(wrong, []);
  });
});

describe('compiler semantics', () => {
  it('compares typed values', () => {
    assert.equal(run('proc.pid = 42'), true);
    assert.equal(run('proc.pid > 41 and proc.pid <= 42'), true);
    assert.equal(run('evt.is_io = true'), true);
    assert.equal(run('proc.name > 1') && !run('fd.name > 1'), true, 'strings compare in byte order');
    assert.throws(() => run('proc.pid = 4.2'), ConditionCompileError);
    assert.throws(() => run('evt.is_io = yes'), /not a boolean/);
  });

  it('makes every comparison on a missing field false, != included; not flips it', () => {
    const ev: Ev = {};
    assert.equal(run('proc.name = x', ev), false);
    assert.equal(run('proc.name != x', ev), false);
    assert.equal(run('not proc.name = x', ev), true);
    assert.equal(run('proc.name in (x)', ev), false);
    assert.equal(run('proc.name exists', ev), false);
    assert.equal(run('proc.name exists'), true);
  });

  it('implements the string operators', () => {
    assert.equal(run('fd.name contains /subdir/'), true);
    assert.equal(run('fd.name icontains /SUBDIR/'), true);
    assert.equal(run('fd.name startswith /opt and fd.name endswith .txt'), true);
    assert.equal(run('fd.name glob /opt/*.txt'), true);
    assert.equal(run('fd.name iglob /OPT/*'), true);
    assert.equal(run('fd.name regex "/opt/.*/file\\\\.txt"'), true);
    assert.equal(run('fd.name regex "subdir"'), false, 'regex is a full match');
    assert.throws(() => run('fd.name regex "(unclosed"'), /invalid regex/);
  });

  it('implements in, intersects and pmatch, with the list-field rules', () => {
    assert.equal(run('proc.name in (apache, nginx)'), true);
    assert.equal(run('ka.images in (docker.io/nginx:1, docker.io/redis:7, x)'), true, 'every value in the set');
    assert.equal(run('ka.images in (docker.io/nginx:1)'), false);
    assert.equal(run('ka.images intersects (docker.io/nginx:1)'), true);
    assert.equal(run('ka.images in ()', { 'ka.images': [] }), true, 'an empty list is vacuously in');
    assert.equal(run('ka.images intersects (a)', { 'ka.images': [] }), false);
    assert.equal(run('fd.name pmatch (/opt/*/subdir)'), true);
    // Single-value operators on list fields (older k8s audit rules use them): any element.
    assert.equal(run('ka.images = docker.io/redis:7'), true);
    assert.equal(run('ka.images contains redis'), true);
    assert.equal(run('ka.images startswith quay.io'), false);
    assert.equal(run('ka.images != docker.io/nginx:1'), true, 'some element differs');
    assert.equal(run('ka.images contains x', { 'ka.images': [] }), false, 'no element: false');
  });

  it('implements the oneof/anyof/allof modifiers', () => {
    assert.equal(run('proc.name = oneof (nginx, apache)'), true);
    assert.equal(run('proc.name startswith anyof (ng, ap)'), true);
    assert.equal(run('proc.name startswith allof (ng, n)'), true);
    assert.equal(run('proc.name startswith oneof (ng, n)'), false, 'two match: not exactly one');
    assert.equal(run('proc.name = anyof ()'), false);
    // icontains lowers the value once for every operand: both sides still fold.
    assert.equal(run('fd.name icontains anyof (XYZ, /SUBDIR/)'), true);
    assert.equal(run('fd.name icontains anyof (XYZ, ABC)'), false);
    assert.equal(run('fd.name icontains allof (/OPT/, File.TXT)'), true);
    assert.equal(run('fd.name icontains oneof (/opt, /OPT/dir)'), false, 'two match: not exactly one');
    assert.equal(run('ka.images icontains anyof (NGINX)'), run('ka.images icontains NGINX'), 'a list field as with a single operand');
    assert.equal(run('ka.images icontains anyof (POSTGRES)'), false);
  });

  it('compares fields with val() and transformers, and reads field arguments', () => {
    assert.equal(run('proc.name = val(proc.pname)'), true);
    assert.equal(run('toupper(proc.name) = NGINX'), true);
    assert.equal(run('basename(fd.name) = file.txt'), true);
    assert.equal(run('len(ka.images) = 2'), true);
    assert.equal(run('b64(proc.name) exists'), false, 'not base64: not available');
    assert.equal(run('proc.aname[1] = containerd-shim'), true);
    assert.equal(run('evt.arg.flags = O_RDONLY and evt.arg[flags] = O_RDONLY'), true);
  });

  it('reports unknown fields, wrong operators and macros with their span', () => {
    const err = (condition: string) => {
      try {
        run(condition);
      } catch (e) {
        if (e instanceof ConditionCompileError) return [e.message, e.span.col];
        throw e;
      }
      return undefined;
    };
    assert.deepEqual(err('proc.name = x and nope.field = 1'), ["unknown field 'nope.field' (filter_check called with nonexistent field nope.field)", 19]);
    assert.deepEqual(err('proc.pid contains 4'), ["'contains' operator not supported for number fields", 1]);
    assert.deepEqual(err('evt.arg = x'), ["field 'evt.arg' requires an argument", 1]);
    assert.deepEqual(err('proc.name = x or my_macro'), ["undefined macro 'my_macro'", 18]);
  });
});

describe('per-event field memoization', () => {
  it('extracts a field once per event across the conditions sharing a memo', () => {
    let extractions = 0;
    const counted = createFieldTable<Ev>([f('proc.name', 'string', { extract: (ev) => (extractions++, ev['proc.name']) })]);
    const memo = new FieldMemo();
    const rules = ['proc.name = nginx', 'proc.name startswith ng', 'toupper(proc.name) = NGINX'].map((c) => compile(parse(c), counted, { memo }));
    const a: Ev = { 'proc.name': 'nginx' };
    assert.deepEqual(rules.map((r) => r(a)), [true, true, true]);
    assert.equal(extractions, 1);
    const b: Ev = { 'proc.name': 'sh' };
    assert.deepEqual(rules.map((r) => r(b)), [false, false, false]);
    assert.equal(extractions, 2);
    assert.equal(memo.size, 1);
  });
});

describe('conditions compiled together', () => {
  // Every extraction is counted: a shared sub-condition must not be evaluated twice per event.
  const calls = new Map<string, number>();
  const counted = createFieldTable<Ev>(['proc.name', 'fd.name', 'proc.pname'].map((name) =>
    f(name, 'string', { extract: (ev) => { calls.set(name, (calls.get(name) ?? 0) + 1); return ev[name]; } })).concat([f('proc.tty', 'number', { never: true })]));
  const conditions = [
    '(proc.name = nginx and fd.name startswith /opt) and proc.pname = x',
    'not (proc.name = nginx and fd.name startswith /opt) and proc.pname = nginx',
    '(proc.name = nginx and fd.name startswith /opt) and proc.pname = nginx',
    '(proc.name = nginx and fd.name startswith /opt) or proc.tty = 1',
    '(proc.tty = 1 and proc.name = nginx) or fd.name glob "/opt/*/file.txt"',
  ].map((c) => parse(c));
  const events: Ev[] = [EV, { ...EV, 'proc.pname': 'x' }, { ...EV, 'proc.name': 'sh' }, { 'fd.name': '/opt/a/file.txt' }, {}];

  it('give what each condition gives alone, first match or all', () => {
    const shared = new SharedConditions();
    for (const c of conditions) shared.count(c);
    const memo = new FieldMemo();
    const alone = conditions.map((c) => compile(c, counted, { generate: false }));
    const first = compileConditionList(conditions, counted, { memo, shared }, false);
    const all = compileConditionList(conditions, counted, { memo, shared }, true);
    for (const ev of events) {
      const expected = alone.flatMap((p, i) => (p(ev) ? [i] : []));
      const hits: number[] = [];
      assert.equal(all(ev, hits), -1);
      assert.deepEqual(hits, expected, JSON.stringify(ev));
      assert.equal(first(ev, []), expected[0] ?? -1, JSON.stringify(ev));
    }
  });

  it('evaluate a sub-condition several conditions share once per event, whichever polarity', () => {
    const shared = new SharedConditions();
    for (const c of conditions) shared.count(c);
    assert.ok(shared.isShared(shared.sharedKey((conditions[0] as AndExpr).children[0] as Expr, false)));
    const memo = new FieldMemo();
    const predicates = conditions.map((c) => compile(c, counted, { memo, shared, generate: true }));
    calls.clear();
    const got = predicates.map((p) => p(EV));
    assert.deepEqual(got, [false, false, true, true, true]);
    // Each field once, though four conditions contain the sub-condition that reads two of them.
    assert.deepEqual(Object.fromEntries(calls), { 'proc.name': 1, 'fd.name': 1, 'proc.pname': 1 });
    assert.ok(shared.generated.size >= 1);
  });

  it('split a list too long for one function and still stop at the first match', () => {
    const many = Array.from({ length: 400 }, (_, i) => parse(`proc.name = "name-${i}" and fd.name startswith "/${'x'.repeat(40)}${i}"`));
    const memo = new FieldMemo();
    const first = compileConditionList(many, counted, { memo }, false);
    const all = compileConditionList(many, counted, { memo }, true);
    const ev: Ev = { 'proc.name': 'name-321', 'fd.name': `/${'x'.repeat(40)}321/a` };
    assert.equal(first(ev, []), 321);
    const hits: number[] = [];
    all(ev, hits);
    assert.deepEqual(hits, [321]);
    assert.equal(first({ 'proc.name': 'none' }, []), -1);
  });
});
