/**
 * Compiles a parsed condition to a closure, once; the hot path only calls closures. Macros must
 * have been expanded (by the rule loader) before compiling. A field that cannot be extracted
 * makes every comparison on it false, `!=` included; only `not` turns that around.
 */

import type { Check, Expr, FieldRef, Literal, Operand, Rhs } from './ast.js';
import { ConditionCompileError } from './errors.js';
import type { FieldResolver, FieldType, FieldValue, Scalar } from './fields.js';
import { keyInCidr, type Cidr } from './ip.js';
import { FieldMemo } from './memo.js';
import { addressKey, cidrOf, convert, dynamicTest, OperandError, scalarTest, setTest, supports } from './operators.js';
import { compileTransform, type Getter } from './transformers.js';
import { generateConditionList, generatePredicate, type ConditionListEvaluator, type GenerateHooks, type InlineCheck, type SlotRead } from './generate.js';

export type Predicate<E> = (event: E) => boolean;

export interface CompileOptions {
  /** Share it between the conditions of one rule set so each field is extracted once per event. */
  readonly memo?: FieldMemo;
  /**
   * Share it between the conditions of one rule set so a sub-condition that several rules
   * contain (a macro: the same tree node after expansion) is compiled once and evaluated at most
   * once per event.
   */
  readonly shared?: SharedConditions;
  /**
   * Generate one JavaScript function for the whole condition (generate.ts) instead of nesting
   * closures: the common checks are inlined, with field reads straight from the memo. Same
   * results, several times fewer calls per event.
   */
  readonly generate?: boolean;
}

/** Compiled sub-conditions by tree node, for `CompileOptions.shared`. */
export class SharedConditions {
  readonly nodes = new Map<Expr, unknown>();
  /** Predicates known to be constant (checks on fields the source never supplies, folded). */
  readonly constants = new WeakMap<object, boolean>();
  /** Occurrences of each `and`/`or` among the conditions counted, by polarity and structure. */
  readonly #occurrences = new Map<string, number>();
  readonly #keys = new WeakMap<Expr, string>();
  /** Generated sub-conditions (see `count`), by polarity and structure. */
  readonly generated = new Map<string, { readonly slot: number; readonly extract: (event: never) => unknown } | boolean>();

  readonly #sets = new Map<string, ReadonlySet<Scalar>>();
  /** The interned set of each check already seen: a check is emitted several times (its rule, its candidate lists). */
  readonly #setOfCheck = new WeakMap<object, ReadonlySet<Scalar>>();

  /** The constant value of a compiled predicate, or undefined when it depends on the event. */
  constantOf(p: object): boolean | undefined {
    return this.constants.get(p);
  }

  /**
   * One set object per content: the official rules repeat their lists (`evt.type in (execve,
   * execveat)` in every process rule), and every distinct set an event's checks consult is memory
   * that must be brought in for it.
   */
  /** `internSet` of a check's values, worked out on the check's first emission only. */
  setOf(check: object, values: () => readonly Scalar[]): ReadonlySet<Scalar> {
    let set = this.#setOfCheck.get(check);
    if (set === undefined) {
      set = this.internSet(values());
      this.#setOfCheck.set(check, set);
    }
    return set;
  }

  internSet(values: readonly Scalar[]): ReadonlySet<Scalar> {
    const key = JSON.stringify([...new Set(values)].map((v) => [typeof v, v]).sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)));
    let set = this.#sets.get(key);
    if (set === undefined) {
      set = new Set(values);
      this.#sets.set(key, set);
    }
    return set;
  }

  /**
   * Counts the `and`/`or` sub-conditions of a rule's condition. Rules share macros, and most
   * candidate rules of an event start with the same one (`open_read`, `spawned_process`,
   * `outbound`): generated code evaluates a sub-condition found in two or more counted
   * conditions once per event and reads its kept result after that. Structure, not identity,
   * decides: a macro that names other macros is a new tree at every expansion.
   */
  count(e: Expr, negated = false): void {
    if (e.kind === 'not') return this.count(e.child, !negated);
    if (e.kind !== 'and' && e.kind !== 'or') return;
    const key = this.sharedKey(e, negated);
    const n = (this.#occurrences.get(key) ?? 0) + 1;
    this.#occurrences.set(key, n);
    if (n === 1) for (const c of e.children) this.count(c, negated);
  }

  /** Whether `count` saw the sub-condition (with that polarity) more than once. */
  isShared(key: string): boolean {
    return (this.#occurrences.get(key) ?? 0) > 1;
  }

  /** A key equal for structurally equal sub-conditions of the same polarity (spans aside). */
  sharedKey(e: Expr, negated: boolean): string {
    return `${negated ? '-' : '+'}${this.#key(e)}`;
  }

  #key(e: Expr): string {
    let k = this.#keys.get(e);
    if (k === undefined) {
      switch (e.kind) {
        case 'and':
        case 'or':
          k = `${e.kind}(${e.children.map((c) => this.#key(c)).join(',')})`;
          break;
        case 'not':
          k = `not(${this.#key(e.child)})`;
          break;
        default:
          k = JSON.stringify(e, (name, value: unknown) => (name === 'span' ? undefined : value));
      }
      this.#keys.set(e, k);
    }
    return k;
  }
}

/** What the compiler carries down the tree. */
interface Scope<E> {
  readonly resolver: FieldResolver<E>;
  readonly memo: FieldMemo;
  readonly shared?: SharedConditions;
  /** Which compiled predicates are constants (see SharedConditions.constants). */
  readonly consts: WeakMap<object, boolean>;
  /** Values as extracted, for printing (conditions compare addresses by canonical key). */
  readonly raw?: boolean;
}

/** Compiles `expr` against the fields `resolver` knows; throws ConditionCompileError with a span. */
export function compile<E>(expr: Expr, resolver: FieldResolver<E>, options: CompileOptions = {}): Predicate<E> {
  const shared = options.shared;
  const scope: Scope<E> = { resolver, memo: options.memo ?? new FieldMemo(), consts: shared?.constants ?? new WeakMap(), ...(shared === undefined ? {} : { shared }) };
  if (options.generate !== true) return node(expr, scope);
  return generatePredicate(expr, scope.memo, scope.consts, generateHooks(scope, undefined));
}

/**
 * Compiles conditions that are tested together, in order, to one generated function (see
 * generateConditionList); compile each with `compile` first, which reports their errors.
 */
export function compileConditionList<E>(exprs: readonly Expr[], resolver: FieldResolver<E>, options: CompileOptions, all: boolean): ConditionListEvaluator<E> {
  const shared = options.shared;
  const scope: Scope<E> = { resolver, memo: options.memo ?? new FieldMemo(), consts: shared?.constants ?? new WeakMap(), ...(shared === undefined ? {} : { shared }) };
  return generateConditionList(exprs, scope.memo, scope.consts, generateHooks(scope, undefined), all);
}

function generateHooks<E>(scope: Scope<E>, generating: string | undefined): GenerateHooks<E> {
  const shared = scope.shared;
  return {
    compileCheck: (c) => node(c, scope),
    inlineCheck: (c) => inlineable(c, scope),
    ...(shared === undefined ? {} : { sharedCondition: (e: Expr, negated: boolean) => sharedCondition(e, negated, shared, scope, generating) }),
  };
}

/**
 * A sub-condition that other counted conditions contain (SharedConditions.count): generated on
 * its own once, as a memoized reader, or its constant value; undefined to write it in place.
 */
function sharedCondition<E>(e: Expr, negated: boolean, shared: SharedConditions, scope: Scope<E>, generating: string | undefined): SlotRead<E> | boolean | undefined {
  const key = shared.sharedKey(e, negated);
  if (key === generating || !shared.isShared(key)) return undefined;
  let known = shared.generated.get(key) as SlotRead<E> | boolean | undefined;
  if (known === undefined) {
    const expr: Expr = negated ? { kind: 'not', child: e, span: e.span } : e;
    const p = generatePredicate(expr, scope.memo, scope.consts, generateHooks(scope, key));
    const k = scope.consts.get(p);
    if (k !== undefined) known = k;
    else {
      known = { slot: scope.memo.objectSlot(p), extract: p };
    }
    shared.generated.set(key, known as { readonly slot: number; readonly extract: (event: never) => unknown } | boolean);
  }
  return known;
}

/** What generated code needs to inline a check: the field's memo slot, the operator, the constant(s). */
function inlineable<E>(c: Check, r: Scope<E>): InlineCheck<E> | undefined {
  if (c.lhs.kind !== 'field' || c.modifier !== undefined) return undefined;
  const g = operand(c.lhs, r);
  if (g.slot === undefined || g.extract === undefined || g.list || g.any === true || g.never === true) return undefined;
  const read = { slot: g.slot, extract: g.extract };
  if (g.type !== 'string' && g.type !== 'number' && g.type !== 'bool') return undefined;
  const rhs = c.rhs;
  try {
    switch (c.op) {
      case 'exists':
        return { ...read, op: 'exists' };
      case '=':
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
      case 'startswith':
      case 'endswith':
      case 'contains':
        if (rhs?.kind !== 'literal' || !supports(g.type, c.op)) return undefined;
        return { ...read, op: c.op === '==' ? '=' : c.op, operand: convert(rhs.value, g.type) };
      case 'in':
      case 'intersects':
        if (rhs === undefined || (rhs.kind !== 'list' && rhs.kind !== 'listname' && rhs.kind !== 'literal')) return undefined;
        return { ...read, op: 'in', set: r.shared?.setOf(c, () => constants(rhs, g.type)) ?? new Set(constants(rhs, g.type)) };
      default:
        return undefined;
    }
  } catch {
    // A bad operand: compiling the check the usual way reports it.
    return undefined;
  }
}

function constant<E>(r: Scope<E>, value: boolean): Predicate<E> {
  const p: Predicate<E> = () => value;
  r.consts.set(p, value);
  return p;
}

/** A compiled operand (field or transformer) for output formatting: its value getter. */
export interface OperandGetter<E> {
  readonly list: boolean;
  /** An ancestor field without an argument: the value lists every ancestor. */
  readonly any: boolean;
  readonly get: (event: E) => FieldValue | undefined;
}

/** Compiles a field reference or transformer (as in an output `%field`); throws ConditionCompileError. */
export function compileOperand<E>(o: Operand, resolver: FieldResolver<E>, options: CompileOptions = {}): OperandGetter<E> {
  const g = operand(o, { resolver, memo: options.memo ?? new FieldMemo(), consts: new WeakMap(), raw: true });
  return { list: g.list, any: g.any === true, get: g.get };
}

function node<E>(e: Expr, r: Scope<E>): Predicate<E> {
  const cache = r.shared?.nodes;
  if (cache === undefined) return build(e, r);
  const known = cache.get(e) as Predicate<E> | undefined;
  if (known !== undefined) return known;
  let p = build(e, r);
  if (e.kind !== 'check' && e.kind !== 'macro' && !r.consts.has(p)) {
    // A composite sub-condition: its result is kept for the event, so the rules sharing it
    // evaluate it once.
    p = r.memo.getter(r.memo.objectSlot(e), p);
  }
  cache.set(e, p);
  return p;
}

function build<E>(e: Expr, r: Scope<E>): Predicate<E> {
  switch (e.kind) {
    case 'and':
    case 'or':
      return junction(e.kind, e.children.map((child) => node(child, r)), r);
    case 'not':
      return negated(e.child, r);
    case 'macro':
      throw new ConditionCompileError(`undefined macro '${e.name}'`, e.span);
    case 'check':
      return check(e, r);
  }
}

/**
 * `not e`, with the negation pushed down to the checks (De Morgan). Only checks on fields the
 * source never supplies behave differently from a plain `!`: their value is unknown, not merely
 * missing, and a rule must not fire on what it cannot know (Falco's `not
 * container.mount.dest[/etc] in ("<NA>","N/A")` would otherwise hold on every container start,
 * since Tetragon reports no mounts). So such a check is false whichever way it is negated, and a
 * condition holds only when it holds whatever the unknown values are.
 */
function negated<E>(e: Expr, r: Scope<E>): Predicate<E> {
  switch (e.kind) {
    case 'not':
      return node(e.child, r);
    case 'and':
    case 'or':
      return junction(e.kind === 'and' ? 'or' : 'and', e.children.map((child) => negated(child, r)), r);
    case 'macro':
      throw new ConditionCompileError(`undefined macro '${e.name}'`, e.span);
    case 'check': {
      const c = node(e, r);
      // The only constant checks are those on never-supplied fields: unknown, so false.
      if (r.consts.has(c)) return constant(r, false);
      return (ev) => !c(ev);
    }
  }
}

/** `and`/`or` over compiled children; a false child decides an `and`, a true one an `or`, other constants drop out. */
function junction<E>(kind: 'and' | 'or', children: readonly Predicate<E>[], r: Scope<E>): Predicate<E> {
  const decisive = kind === 'or';
  const cs: Predicate<E>[] = [];
  for (const c of children) {
    const k = r.consts.get(c);
    if (k === decisive) return constant(r, decisive);
    if (k === undefined) cs.push(c);
  }
  if (cs.length === 0) return constant(r, !decisive);
  if (cs.length === 1) return cs[0] as Predicate<E>;
  // Indexed loops: evaluation runs per event, and a for-of may allocate an iterator each time
  // where V8 cannot inline it (these closures are many instances of one function).
  const n = cs.length;
  if (kind === 'and') {
    return (ev) => {
      for (let i = 0; i < n; i++) if (!(cs[i] as Predicate<E>)(ev)) return false;
      return true;
    };
  }
  return (ev) => {
    for (let i = 0; i < n; i++) if ((cs[i] as Predicate<E>)(ev)) return true;
    return false;
  };
}

function check<E>(c: Check, r: Scope<E>): Predicate<E> {
  const lhs = addresses(operand(c.lhs, r));
  // A field the source never supplies: the check is false on every event (after the checks
  // above: a wrong operator is still an error).
  if (lhs.never === true) {
    compare(c, lhs, r);
    return constant(r, false);
  }
  if (lhs.any === true) return anyCheck(c, lhs, r);
  // A single-value operator on a list field (`ka.req.role.rules.resources contains pods/exec`, as
  // Falco's older k8s audit rules write) holds when it holds for one of the values.
  const isSetOp = c.op === 'in' || c.op === 'intersects' || c.op === 'pmatch' || c.op === 'exists';
  if (lhs.list && !isSetOp) return anyCheck(c, lhs, r);
  return compare(c, lhs, r);
}

/**
 * A check on several values at once: an ancestor field used without an argument (every
 * ancestor's value: `proc.aname in (sshd, sudo)` holds when some ancestor is) or a single-value
 * operator on a list field. The check holds when it holds for one of the values.
 */
function anyCheck<E>(c: Check, all: Getter<E>, r: Scope<E>): Predicate<E> {
  if (c.op === 'exists') return (ev) => all.get(ev) !== undefined;
  // The per-element test reads the element under test from `current`; predicates run
  // synchronously, so one slot per compiled check is enough.
  let current: Scalar | undefined;
  const one = compare(c, { type: all.type, list: false, get: () => current }, r);
  return (ev) => {
    const vs = all.get(ev) as readonly Scalar[] | undefined;
    if (vs === undefined) return false;
    for (let i = 0; i < vs.length; i++) {
      current = vs[i];
      if (one(ev)) return true;
    }
    return false;
  };
}

function compare<E>(c: Check, lhs: Getter<E>, r: Scope<E>): Predicate<E> {
  const { get } = lhs;
  if (c.op === 'exists') return (ev) => get(ev) !== undefined;
  if (!supports(lhs.type, c.op)) throw new ConditionCompileError(`'${c.op}' operator not supported for ${lhs.type} fields`, c.span);
  const isSetOp = c.op === 'in' || c.op === 'intersects' || c.op === 'pmatch';
  const rhs = c.rhs as Rhs;
  try {
    if (lhs.type === 'ipnet') return networkCheck(c, lhs, rhs);
    if (isSetOp) return setCheck(c, lhs, rhs);
    if (c.modifier !== undefined) return modifierCheck(c, lhs, rhs);
    if (rhs.kind === 'literal') return literalCheck(c.op, convert(rhs.value, lhs.type), get);
    if (rhs.kind === 'val' || rhs.kind === 'transform') {
      if (c.op === 'regex') throw new ConditionCompileError("'regex' needs a constant pattern, not a field value", rhs.span);
      if (rhs.kind === 'val' && rhs.arg !== undefined) throw new ConditionCompileError('val() takes no [argument]: write val(field[arg])', rhs.span);
      const right = single(rhs.kind === 'val' ? operand(rhs.field, r) : operand(rhs, r), rhs.kind === 'val' ? rhs.field : rhs);
      if (right.type !== lhs.type || right.list) throw new ConditionCompileError(`cannot compare a ${lhs.type} field with a ${right.list ? 'list' : right.type} value`, rhs.span);
      return (ev) => {
        const v = get(ev);
        const w = right.get(ev);
        return v !== undefined && w !== undefined && dynamicTest(c.op, v as Scalar, w as Scalar);
      };
    }
    throw new ConditionCompileError(`'${c.op}' needs a single value, not a list`, rhs.span);
  } catch (err) {
    if (err instanceof OperandError) throw new ConditionCompileError(err.message, rhs.span);
    throw err;
  }
}

/**
 * `field op constant`, the commonest check, specialised for the commonest operators so the hot
 * path is one closure (a missing value never equals a constant, so `=` needs no extra test).
 */
function literalCheck<E>(op: Check['op'], operand: Scalar, get: (ev: E) => FieldValue | undefined): Predicate<E> {
  switch (op) {
    case '=':
    case '==':
      return (ev) => get(ev) === operand;
    case '!=':
      return (ev) => {
        const v = get(ev);
        return v !== undefined && v !== operand;
      };
    case 'startswith': {
      const s = String(operand);
      return (ev) => {
        const v = get(ev);
        return typeof v === 'string' && v.startsWith(s);
      };
    }
    case 'endswith': {
      const s = String(operand);
      return (ev) => {
        const v = get(ev);
        return typeof v === 'string' && v.endsWith(s);
      };
    }
    case 'contains': {
      const s = String(operand);
      return (ev) => {
        const v = get(ev);
        return typeof v === 'string' && v.includes(s);
      };
    }
    default: {
      const test = scalarTest(op, operand);
      return (ev) => {
        const v = get(ev);
        return v !== undefined && test(v as Scalar);
      };
    }
  }
}

/** Canonical address keys of an extracted value (list fields: of each element that is an address). */
function keysOf(v: FieldValue): FieldValue | undefined {
  if (!Array.isArray(v)) return addressKey(String(v));
  const keys: (string | number)[] = [];
  for (let i = 0; i < v.length; i++) {
    const k = addressKey(String(v[i]));
    if (k !== undefined) keys.push(k);
  }
  return keys;
}

/**
 * Address fields compare by address: their value becomes the canonical key. For fields this is
 * done inside the memo (once per event, not per check); transformers producing addresses are
 * converted here.
 */
function addresses<E>(g: Getter<E>): Getter<E> {
  if ((g.type !== 'ipaddr' && g.type !== 'ipnet') || g.keyed === true) return g;
  const { get } = g;
  return {
    ...g,
    keyed: true,
    get: (ev) => {
      const v = get(ev);
      return v === undefined ? undefined : keysOf(v);
    },
  };
}

/** `ipnet` fields: `=`/`in` test membership of the networks named, `!=` its absence. */
function networkCheck<E>(c: Check, lhs: Getter<E>, rhs: Rhs): Predicate<E> {
  const nets = constants(rhs, 'ipnet').map((x) => cidrOf(String(x)));
  const { get } = lhs;
  // IPv4 keys are tested against each IPv4 network's mask and masked value as 32-bit integers
  // (no BigInt and no boxed number per event); IPv6 keys go through keyInCidr.
  const v4 = nets.flatMap((net) => {
    if (net.family !== 4) return [];
    const mask = net.bits === 0 ? 0 : (0xffffffff << (32 - net.bits)) | 0;
    return [{ mask, value: Number(net.value) & mask }];
  });
  const hits = (key: string | number): number => {
    let n = 0;
    if (typeof key === 'number') {
      for (let i = 0; i < v4.length; i++) {
        const net = v4[i] as { mask: number; value: number };
        if ((key & net.mask) === net.value) n++;
      }
      return n;
    }
    for (let i = 0; i < nets.length; i++) if (keyInCidr(key, nets[i] as Cidr)) n++;
    return n;
  };
  const decide = (n: number): boolean => {
    if (c.op === '!=') return c.modifier === 'allof' ? n === 0 : c.modifier === 'oneof' ? nets.length - n === 1 : n < nets.length;
    if (c.modifier === 'oneof') return n === 1;
    if (c.modifier === 'allof') return n === nets.length && n > 0;
    return n > 0;
  };
  return (ev) => {
    const v = get(ev);
    return (typeof v === 'number' || typeof v === 'string') && nets.length > 0 && decide(hits(v));
  };
}

function constants(rhs: Rhs, type: FieldType): Scalar[] {
  if (rhs.kind === 'list') return rhs.items.map((i) => convert(literalOf(i).value, type));
  if (rhs.kind === 'listname') return [convert(rhs.name, type)];
  if (rhs.kind === 'literal') return [convert(rhs.value, type)];
  throw new ConditionCompileError('expected a list of constant values', rhs.span);
}

function literalOf(i: Literal | Operand): Literal {
  if (i.kind !== 'literal') throw new ConditionCompileError('list values must be constants', i.span);
  return i;
}

function setCheck<E>(c: Check, lhs: Getter<E>, rhs: Rhs): Predicate<E> {
  const items = constants(rhs, lhs.type);
  const { get } = lhs;
  if (!lhs.list && c.op !== 'pmatch') {
    // A single value in a set: a missing value is never a member.
    const set = new Set<FieldValue | undefined>(items);
    return (ev) => set.has(get(ev));
  }
  const test = setTest(c.op, items, lhs.list);
  return (ev) => {
    const v = get(ev);
    return v !== undefined && test(v);
  };
}

/** `op oneof/anyof/allof (a, b)`: exactly one / at least one / every operand satisfies `op`. */
function modifierCheck<E>(c: Check, lhs: Getter<E>, rhs: Rhs): Predicate<E> {
  // `icontains anyof (…)`: the value is lowered once for all operands, not once per operand
  // (a command line against a list of marks made one lowered copy per mark).
  const fold = c.op === 'icontains';
  const tests = constants(rhs, lhs.type).map((x) => (fold ? scalarTest('contains', String(x).toLowerCase()) : scalarTest(c.op, x)));
  const { get } = lhs;
  const needed = c.modifier;
  return (ev) => {
    const raw = get(ev);
    const v = fold && typeof raw === 'string' ? raw.toLowerCase() : raw;
    if (v === undefined || tests.length === 0) return false;
    let hits = 0;
    for (let i = 0; i < tests.length; i++) if ((tests[i] as (x: Scalar) => boolean)(v as Scalar)) hits++;
    return needed === 'oneof' ? hits === 1 : needed === 'anyof' ? hits > 0 : hits === tests.length;
  };
}

// ---- operands

function operand<E>(o: Operand, r: Scope<E>): Getter<E> {
  return o.kind === 'field' ? field(o, r) : compileTransform(o, (inner) => single(operand(inner, r), inner));
}

/** Ancestor fields without an argument compare only on the left, untransformed (as in Falco). */
function single<E>(g: Getter<E>, o: Operand): Getter<E> {
  if (g.any === true) throw new ConditionCompileError(`'${o.name}' needs an [index] here`, o.span);
  return g;
}

function field<E>(f: FieldRef, r: Scope<E>): Getter<E> {
  const found = r.resolver.resolve(f.name);
  if (found === undefined) throw new ConditionCompileError(`unknown field '${f.name}' (filter_check called with nonexistent field ${f.name})`, f.span);
  const { spec } = found;
  if (found.arg !== undefined && f.arg !== undefined) throw new ConditionCompileError(`field '${f.name}' has two arguments`, f.span);
  const arg = found.arg ?? f.arg;
  if (arg === undefined && spec.arg === 'required') throw new ConditionCompileError(`field '${spec.name}' requires an argument`, f.span);
  if (arg !== undefined && spec.arg === undefined) throw new ConditionCompileError(`field '${spec.name}' does not take an argument`, f.span);
  const address = r.raw !== true && (spec.type === 'ipaddr' || spec.type === 'ipnet');
  const slot = r.memo.slot(`${arg === undefined ? spec.name : `${spec.name}[${arg}]`}${address ? '#address' : ''}`);
  // The functions are read here, once: read per event through `spec`, whose shape differs from
  // field to field, the lookup was one of the costliest steps of extraction.
  const keys = spec.extractKeys;
  const get = spec.extract;
  const extract = !address
    ? (ev: E) => get.call(spec, ev, arg)
    : keys !== undefined
      ? (ev: E) => keys.call(spec, ev, arg)
      : (ev: E) => {
          const v = get.call(spec, ev, arg);
          return v === undefined ? undefined : keysOf(v);
        };
  const any = spec.anyWithoutArg === true && arg === undefined;
  return { type: spec.type, list: spec.list === true, any, keyed: address, never: spec.never === true, slot, extract, get: r.memo.getter(slot, extract) };
}

