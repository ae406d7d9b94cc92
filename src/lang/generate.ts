/**
 * Generates one JavaScript function per condition. Compiled closures call one another for
 * every `and`, `or`, `not` and check, and each field read goes through a getter: on a rule set
 * of a hundred rules that is most of the evaluation time. The generated function has the
 * boolean structure written out and the common checks (`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`,
 * `startswith`, `endswith`, `contains`, `exists` on a plain field) inlined, reading the field's
 * memo slot directly; any other check stays a compiled closure, called from the generated code.
 * Results are the same as the closures' (the closure compiler's tests run against both).
 *
 * Only code built here from the syntax tree is generated: constants (strings, sets) are passed
 * in an array and referred to by index, never spliced into the source.
 */
import type { Check, Expr } from './ast.js';
import type { FieldValue, Scalar } from './fields.js';
import type { FieldMemo } from './memo.js';

type Predicate<E> = (event: E) => boolean;

/** A check generated code can inline. */
export interface InlineCheck<E> {
  readonly slot: number;
  /** The memoizing reader of the slot (the slow path: first read in an event). */
  readonly get: (event: E) => FieldValue | undefined;
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'startswith' | 'endswith' | 'contains' | 'in' | 'exists';
  readonly operand?: Scalar;
  readonly set?: ReadonlySet<Scalar>;
}

export interface GenerateHooks<E> {
  /** The compiled closure of a check (also tells, through `consts`, whether it is constant). */
  compileCheck(c: Check): Predicate<E>;
  inlineCheck(c: Check): InlineCheck<E> | undefined;
}

type Factory<E> = (current: { event: unknown; generation: number }, stamps: number[], values: unknown[], readers: ((event: E) => FieldValue | undefined)[], constants: unknown[], checks: Predicate<E>[]) => Predicate<E>;

export function generatePredicate<E>(expr: Expr, memo: FieldMemo, consts: WeakMap<object, boolean>, hooks: GenerateHooks<E>): Predicate<E> {
  const readers: ((event: E) => FieldValue | undefined)[] = [];
  const readerIndex = new Map<number, number>();
  const constants: unknown[] = [];
  const checks: Predicate<E>[] = [];

  const constant = (v: unknown): string => {
    constants.push(v);
    return `K[${constants.length - 1}]`;
  };
  const read = (i: InlineCheck<E>): string => {
    let r = readerIndex.get(i.slot);
    if (r === undefined) {
      r = readers.length;
      readers.push(i.get);
      readerIndex.set(i.slot, r);
    }
    return `(S[${i.slot}] === g ? V[${i.slot}] : R[${r}](ev))`;
  };

  const junction = (kind: 'and' | 'or', children: readonly (string | boolean)[]): string | boolean => {
    const decisive = kind === 'or';
    const parts: string[] = [];
    for (const x of children) {
      if (x === decisive) return decisive;
      if (typeof x === 'string') parts.push(x);
    }
    if (parts.length === 0) return !decisive;
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(decisive ? ' || ' : ' && ')})`;
  };

  /** JS source for `e`, or a boolean when `e` is constant. */
  const emit = (e: Expr): string | boolean => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return junction(e.kind, e.children.map(emit));
      case 'not':
        return emitNegated(e.child);
      case 'macro':
        // Compiling it reports the undefined macro.
        hooks.compileCheck(e as unknown as Check);
        return false;
      case 'check': {
        // Compile the check the usual way first: it validates it and folds constants.
        const p = hooks.compileCheck(e);
        const k = consts.get(p);
        if (k !== undefined) return k;
        const i = hooks.inlineCheck(e);
        if (i === undefined) {
          checks.push(p);
          return `C[${checks.length - 1}](ev)`;
        }
        const v = read(i);
        switch (i.op) {
          case '=':
            return `(${v} === ${constant(i.operand)})`;
          case '!=':
            return `((t = ${v}) !== undefined && t !== ${constant(i.operand)})`;
          case '<':
          case '<=':
          case '>':
          case '>=':
            return `((t = ${v}) !== undefined && t ${i.op} ${constant(i.operand)})`;
          case 'startswith':
          case 'endswith':
          case 'contains': {
            const method = i.op === 'contains' ? 'includes' : i.op === 'startswith' ? 'startsWith' : 'endsWith';
            return `(typeof (t = ${v}) === 'string' && t.${method}(${constant(String(i.operand))}))`;
          }
          case 'in':
            return `${constant(i.set)}.has(${v})`;
          case 'exists':
            return `(${v} !== undefined)`;
        }
      }
    }
  };

  /** `not e` with the negation pushed to the checks, as compile.ts `negated` (unknown stays false). */
  const emitNegated = (e: Expr): string | boolean => {
    switch (e.kind) {
      case 'not':
        return emit(e.child);
      case 'and':
      case 'or':
        return junction(e.kind === 'and' ? 'or' : 'and', e.children.map(emitNegated));
      case 'macro':
        return emit(e);
      case 'check': {
        const x = emit(e);
        return typeof x === 'boolean' ? false : `!${x}`;
      }
    }
  };

  const body = emit(expr);
  if (typeof body === 'boolean') {
    const p: Predicate<E> = () => body;
    consts.set(p, body);
    return p;
  }
  const source = [
    'return function generatedCondition(ev) {',
    '  if (M.event !== ev) { M.event = ev; M.generation++; }',
    '  const g = M.generation;',
    '  let t;',
    `  return ${body};`,
    '};',
  ].join('\n');
  // The source is built from the syntax tree only; every constant goes through K, never into the text.
  const factory = new Function('M', 'S', 'V', 'R', 'K', 'C', source) as Factory<E>;
  const { current, stamps, values } = memo.internals();
  return factory(current, stamps, values, readers, constants, checks);
}
