/**
 * Generates JavaScript for conditions: one function per condition, one per shared sub-condition,
 * and one per list of conditions tested together (an event's candidate rules). Compiled
 * closures call one another for every `and`, `or`, `not` and check, and each field read goes
 * through a getter: on a rule set of a hundred rules that is most of the evaluation time. The
 * generated code has the boolean structure written out and the common checks (`=`, `!=`, `<`,
 * `<=`, `>`, `>=`, `in`, `startswith`, `endswith`, `contains`, `exists` on a plain field)
 * inlined, reading and filling the field's memo slot directly; any other check stays a compiled
 * closure, called from the generated code. Results are the same as the closures' (the closure
 * compiler's tests run against both).
 *
 * Only code built here from the syntax tree is generated: constants (strings, sets) are passed
 * in an array and referred to by index, never spliced into the source.
 */
import type { Check, Expr } from './ast.js';
import type { Scalar } from './fields.js';
import type { FieldMemo } from './memo.js';

type Predicate<E> = (event: E) => boolean;

/** A check generated code can inline. */
export interface InlineCheck<E> extends SlotRead<E> {
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'startswith' | 'endswith' | 'contains' | 'in' | 'exists';
  readonly operand?: Scalar;
  readonly set?: ReadonlySet<Scalar>;
}

/** A memoized value generated code reads like a field: its slot and what fills it. */
export interface SlotRead<E> {
  readonly slot: number;
  /** The value's derivation, run on the slot's first read in an event (the generated code keeps it). */
  readonly extract: (event: E) => unknown;
}

export interface GenerateHooks<E> {
  /** The compiled closure of a check (also tells, through `consts`, whether it is constant). */
  compileCheck(c: Check): Predicate<E>;
  inlineCheck(c: Check): InlineCheck<E> | undefined;
  /**
   * For an `and`/`or` that other conditions of the rule set contain too (`negated`: the
   * condition contains `not` of it): its result, memoized per event, or its constant value;
   * undefined to write it out in place.
   */
  sharedCondition?(e: Expr, negated: boolean): SlotRead<E> | boolean | undefined;
}

type Factory<F> = (current: { event: unknown; generation: number }, stamps: number[], values: unknown[], readers: readonly ((event: never) => unknown)[], constants: readonly unknown[], checks: readonly ((event: never) => boolean)[], unset: object) => F;

/**
 * Evaluates a list of conditions in order: with `all` false, returns the position of the first
 * that holds, or -1; with `all`, appends the position of every one that holds to `hits`.
 */
export type ConditionListEvaluator<E> = (event: E, hits: number[]) => number;

/**
 * Source length above which a condition list is split into several functions: V8 stops
 * optimizing a function whose bytecode passes about 60 KB, which would cost far more than the
 * call between two parts.
 */
const MAX_LIST_SOURCE = 24_000;

/**
 * Writes conditions as JavaScript expressions. Field values and shared sub-conditions are read
 * from the memo; with `locals`, each memo slot is also kept in a local of the function after its
 * first read, for functions that test many conditions over the same fields.
 */
class Emitter<E> {
  readonly readers: ((event: E) => unknown)[] = [];
  readonly constants: unknown[] = [];
  readonly checks: Predicate<E>[] = [];
  /** Memo slots read through locals (`locals` only), in first-read order. */
  readonly slots: number[] = [];
  readonly #readerIndex = new Map<number, number>();
  /** Constants by value, so a shared set is one entry of K. */
  readonly #constantIndex = new Map<unknown, number>();
  /** With `locals`: the local keeping each distinct `in` check's result (slot and set), in order. */
  readonly memberships = new Map<string, string>();
  readonly #consts: WeakMap<object, boolean>;
  readonly #hooks: GenerateHooks<E>;
  readonly #locals: boolean;

  constructor(consts: WeakMap<object, boolean>, hooks: GenerateHooks<E>, locals: boolean) {
    this.#consts = consts;
    this.#hooks = hooks;
    this.#locals = locals;
  }

  #constant(v: unknown): string {
    let i = this.#constantIndex.get(v);
    if (i === undefined) {
      i = this.constants.length;
      this.constants.push(v);
      this.#constantIndex.set(v, i);
    }
    return `K[${i}]`;
  }

  #read(i: SlotRead<E>): string {
    let r = this.#readerIndex.get(i.slot);
    if (r === undefined) {
      r = this.readers.length;
      this.readers.push(i.extract);
      this.#readerIndex.set(i.slot, r);
      if (this.#locals) this.slots.push(i.slot);
    }
    // A first read in the event extracts and keeps the value here, with no memo reader between.
    const memo = `(S[${i.slot}] === g ? V[${i.slot}] : (V[${i.slot}] = R[${r}](ev), S[${i.slot}] = g, V[${i.slot}]))`;
    return this.#locals ? `(s${i.slot} !== U ? s${i.slot} : (s${i.slot} = ${memo}))` : memo;
  }

  #junction(kind: 'and' | 'or', children: readonly (string | boolean)[]): string | boolean {
    const decisive = kind === 'or';
    const parts: string[] = [];
    for (const x of children) {
      if (x === decisive) return decisive;
      if (typeof x === 'string') parts.push(x);
    }
    if (parts.length === 0) return !decisive;
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(decisive ? ' || ' : ' && ')})`;
  }

  /** JS source for `e`, or a boolean when `e` is constant. */
  emit(e: Expr): string | boolean {
    switch (e.kind) {
      case 'and':
      case 'or': {
        const s = this.#hooks.sharedCondition?.(e, false);
        if (s !== undefined) return typeof s === 'boolean' ? s : this.#read(s);
        return this.#junction(e.kind, e.children.map((c) => this.emit(c)));
      }
      case 'not':
        return this.#emitNegated(e.child);
      case 'macro':
        // Compiling it reports the undefined macro.
        this.#hooks.compileCheck(e as unknown as Check);
        return false;
      case 'check':
        return this.#check(e);
    }
  }

  #check(e: Check): string | boolean {
    // Compile the check the usual way first: it validates it and folds constants.
    const p = this.#hooks.compileCheck(e);
    const k = this.#consts.get(p);
    if (k !== undefined) return k;
    const i = this.#hooks.inlineCheck(e);
    if (i === undefined) {
      this.checks.push(p);
      return `C[${this.checks.length - 1}](ev)`;
    }
    const v = this.#read(i);
    switch (i.op) {
      case '=':
        return `(${v} === ${this.#constant(i.operand)})`;
      case '!=':
        return `((t = ${v}) !== undefined && t !== ${this.#constant(i.operand)})`;
      case '<':
      case '<=':
      case '>':
      case '>=':
        return `((t = ${v}) !== undefined && t ${i.op} ${this.#constant(i.operand)})`;
      case 'startswith':
      case 'endswith':
      case 'contains': {
        const method = i.op === 'contains' ? 'includes' : i.op === 'startswith' ? 'startsWith' : 'endsWith';
        return `(typeof (t = ${v}) === 'string' && t.${method}(${this.#constant(String(i.operand))}))`;
      }
      case 'in': {
        const set = this.#constant(i.set);
        if (!this.#locals) return `${set}.has(${v})`;
        // The same list tested on the same field by several conditions of the function (the
        // event types of every process rule): looked up once, then read from a local.
        const key = `${i.slot}|${set}`;
        let m = this.memberships.get(key);
        if (m === undefined) {
          m = `m${this.memberships.size}`;
          this.memberships.set(key, m);
        }
        return `(${m} !== 0 ? ${m} === 1 : (${m} = ${set}.has(${v}) ? 1 : 2) === 1)`;
      }
      case 'exists':
        return `(${v} !== undefined)`;
    }
  }

  /** `not e` with the negation pushed to the checks, as compile.ts `negated` (unknown stays false). */
  #emitNegated(e: Expr): string | boolean {
    switch (e.kind) {
      case 'not':
        return this.emit(e.child);
      case 'and':
      case 'or': {
        const s = this.#hooks.sharedCondition?.(e, true);
        if (s !== undefined) return typeof s === 'boolean' ? s : this.#read(s);
        return this.#junction(e.kind === 'and' ? 'or' : 'and', e.children.map((c) => this.#emitNegated(c)));
      }
      case 'macro':
        return this.emit(e);
      case 'check': {
        const x = this.emit(e);
        return typeof x === 'boolean' ? false : `!${x}`;
      }
    }
  }

  /** Instantiates generated source (built from syntax trees only: every constant goes through K). */
  instantiate<F>(memo: FieldMemo, source: string): F {
    const factory = new Function('M', 'S', 'V', 'R', 'K', 'C', 'U', source) as Factory<F>;
    const { current, stamps, values } = memo.internals();
    return factory(current, stamps, values, this.readers, this.constants, this.checks, UNSET);
  }
}

/** What a local holds before its slot is read (no field value is this object). */
const UNSET: object = Object.freeze({});

const PROLOGUE = ['  if (M.event !== ev) { M.event = ev; M.generation++; }', '  const g = M.generation;'];

export function generatePredicate<E>(expr: Expr, memo: FieldMemo, consts: WeakMap<object, boolean>, hooks: GenerateHooks<E>): Predicate<E> {
  const emitter = new Emitter(consts, hooks, false);
  const body = emitter.emit(expr);
  if (typeof body === 'boolean') {
    const p: Predicate<E> = () => body;
    consts.set(p, body);
    return p;
  }
  const source = ['return function generatedCondition(ev) {', ...PROLOGUE, '  let t;', `  return ${body};`, '};'].join('\n');
  return emitter.instantiate<Predicate<E>>(memo, source);
}

/**
 * One function for a list of conditions, tested in order (the candidate rules of an event): no
 * call per condition, and each field and shared sub-condition read at most once from the memo,
 * then from a local. Lists too long for one optimizable function are split into parts.
 */
export function generateConditionList<E>(exprs: readonly Expr[], memo: FieldMemo, consts: WeakMap<object, boolean>, hooks: GenerateHooks<E>, all: boolean): ConditionListEvaluator<E> {
  const parts: ConditionListEvaluator<E>[] = [];
  let emitter = new Emitter(consts, hooks, true);
  let tests: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (tests.length === 0) return;
    const locals = emitter.slots.map((s) => `, s${s} = U`).join('') + [...emitter.memberships.values()].map((m) => `, ${m} = 0`).join('');
    const source = ['return function evaluateConditions(ev, H) {', ...PROLOGUE, `  let t${locals};`, ...tests, '  return -1;', '};'].join('\n');
    parts.push(emitter.instantiate<ConditionListEvaluator<E>>(memo, source));
    emitter = new Emitter(consts, hooks, true);
    tests = [];
    size = 0;
  };
  for (let i = 0; i < exprs.length; i++) {
    const body = emitter.emit(exprs[i] as Expr);
    if (body === false) continue;
    const test = body === true ? `  ${all ? `H.push(${i});` : `return ${i};`}` : `  if (${body}) ${all ? `H.push(${i});` : `return ${i};`}`;
    tests.push(test);
    size += test.length;
    if (body === true && !all) break;
    if (size > MAX_LIST_SOURCE) flush();
  }
  flush();
  if (parts.length === 0) return () => -1;
  if (parts.length === 1) return parts[0] as ConditionListEvaluator<E>;
  return (event, hits) => {
    for (let i = 0; i < parts.length; i++) {
      const found = (parts[i] as ConditionListEvaluator<E>)(event, hits);
      if (found >= 0) return found;
    }
    return -1;
  };
}
