/**
 * libsinsp's compiler cases (filter-compile-cases.json): each condition must compile, or fail to
 * compile, as it does against libsinsp's syscall field catalogue. The table below declares the
 * catalogue fields the cases use, with the types libsinsp gives them (absolute and relative
 * times, CPU numbers, pids, ports and counts are all numbers here; `thread.cpu` is a double in
 * libsinsp, which also only accepts integer literals), plus the libs test's mock fields.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { assertDeviations } from '../../test/support/deviations.js';
import { compile, ConditionError, createFieldTable, parse, type FieldSpec, type FieldType } from './index.js';

const f = (name: string, type: FieldType, extra: Partial<FieldSpec<unknown>> = {}): FieldSpec<unknown> => ({ name, type, extract: () => undefined, ...extra });

const FIELDS = createFieldTable<unknown>([
  // The mock fields ignore the value: libsinsp declares them as strings.
  f('c.true', 'string'),
  f('c.false', 'string'),
  f('c.buffer', 'bytes'),
  f('c.doublequote', 'string'),
  f('c.singlequote', 'string'),
  f('evt.args', 'string'),
  f('evt.around', 'string', { arg: 'required' }),
  f('evt.buffer', 'bytes'),
  f('evt.buflen.in', 'number'),
  f('evt.count', 'number'),
  f('evt.cpu', 'number'),
  f('evt.is_io', 'bool'),
  f('evt.is_wait', 'bool'),
  f('evt.num', 'number'),
  f('evt.plugininfo', 'string'),
  f('evt.rawarg', 'number', { arg: 'required' }),
  f('evt.rawres', 'number'),
  f('evt.rawtime', 'number'),
  f('evt.source', 'string'),
  f('evt.type', 'string'),
  f('fd.dev', 'number'),
  f('fd.ip', 'ipaddr'),
  f('fd.name', 'string'),
  f('fd.net', 'ipnet'),
  f('fd.port', 'number'),
  f('fd.types', 'string', { list: true }),
  f('proc.name', 'string'),
  f('proc.pid', 'number'),
  f('proc.pid.ts', 'number'),
  f('syscall.type', 'string'),
  f('thread.cpu', 'number'),
]);

interface CompileCase {
  readonly condition: string;
  readonly valid: boolean;
}

describe('compiler on the libs compile cases (filter-compile-cases.json)', () => {
  it('compiles exactly the valid cases, but the listed deviations', (t) => {
    if (!requireCorpus(t)) return;
    const cases = JSON.parse(readFileSync(corpusPath('falco/filter-compile-cases.json'), 'utf8')) as CompileCase[];
    const failures = new Map<string, string>();
    for (const c of cases) {
      let ok = true;
      let why = '';
      try {
        compile(parse(c.condition), FIELDS);
      } catch (err) {
        if (!(err instanceof ConditionError)) throw err;
        ok = false;
        why = err.message;
      }
      if (ok !== c.valid) failures.set(c.condition, ok ? 'compiles, libsinsp rejects it' : `rejected (${why}), libsinsp compiles it`);
    }
    t.diagnostic(assertDeviations('filter-compile-cases', cases.length, failures));
  });
});
