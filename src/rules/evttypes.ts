/**
 * Which event types a syscall rule can match, derived from its condition: positive `evt.type =`
 * and `evt.type in (...)` checks narrow the set, `not` complements it, `and` intersects, `or`
 * unites. The engine indexes rules by these sets so an event is tested only against rules that
 * can match it; a rule that does not constrain the type is tested on every event (and warned
 * about, as Falco does).
 */
import type { Check, Expr } from '../lang/index.js';

/** A set of event type names, or all types except some (`all: true`). */
export interface TypeSet {
  readonly all: boolean;
  readonly names: ReadonlySet<string>;
}

const ANY: TypeSet = { all: true, names: new Set() };
const NONE: TypeSet = { all: false, names: new Set() };

function complement(s: TypeSet): TypeSet {
  return { all: !s.all, names: s.names };
}

function intersect(a: TypeSet, b: TypeSet): TypeSet {
  if (!a.all && !b.all) return { all: false, names: new Set([...a.names].filter((n) => b.names.has(n))) };
  if (a.all && b.all) return { all: true, names: new Set([...a.names, ...b.names]) };
  const [fin, co] = a.all ? [b, a] : [a, b];
  return { all: false, names: new Set([...fin.names].filter((n) => !co.names.has(n))) };
}

function unite(a: TypeSet, b: TypeSet): TypeSet {
  if (!a.all && !b.all) return { all: false, names: new Set([...a.names, ...b.names]) };
  if (a.all && b.all) return { all: true, names: new Set([...a.names].filter((n) => b.names.has(n))) };
  const [fin, co] = a.all ? [b, a] : [a, b];
  return { all: true, names: new Set([...co.names].filter((n) => !fin.names.has(n))) };
}

function literals(c: Check): string[] | undefined {
  const r = c.rhs;
  if (r === undefined) return undefined;
  if (r.kind === 'literal') return [r.value];
  if (r.kind === 'list') return r.items.every((i) => i.kind === 'literal') ? r.items.map((i) => (i.kind === 'literal' ? i.value : '')) : undefined;
  return undefined;
}

function checkTypes(c: Check, field: string): TypeSet {
  if (c.lhs.kind !== 'field' || c.modifier !== undefined) return ANY;
  if (c.lhs.name === 'evt.num' && c.lhs.arg === undefined) return eventNumber(c);
  // Only the field itself: `syscall.type` equals `evt.type` only where it has a value, so it
  // cannot stand for it (under `not`, a missing `syscall.type` matches any type).
  if (c.lhs.name !== field || c.lhs.arg !== undefined) return ANY;
  const vals = literals(c);
  if (vals === undefined) return ANY;
  switch (c.op) {
    case '=':
    case '==':
    case 'in':
    case 'intersects':
      return { all: false, names: new Set(vals) };
    case '!=':
      return { all: true, names: new Set(vals) };
    default:
      return ANY;
  }
}

/**
 * The event types `e` can match, judged on `field` (`evt.type`). Macros must be expanded. Under
 * `not`, De Morgan turns `and` into a union and `or` into an intersection; only the type checks
 * themselves are complemented, which keeps the result a safe over-approximation.
 */
export function eventTypes(e: Expr, field: string, negated = false): TypeSet {
  switch (e.kind) {
    case 'and':
      return e.children.map((c) => eventTypes(c, field, negated)).reduce(negated ? unite : intersect, negated ? NONE : ANY);
    case 'or':
      return e.children.map((c) => eventTypes(c, field, negated)).reduce(negated ? intersect : unite, negated ? ANY : NONE);
    case 'not':
      return eventTypes(e.child, field, !negated);
    case 'check': {
      const t = checkTypes(e, field);
      if (!negated) return t;
      return t === ANY ? ANY : complement(t);
    }
    case 'macro':
      return ANY;
  }
}

/**
 * `evt.num` starts at 1 on every event, so some checks on it are decided statically:
 * `evt.num = 0` (Falco's `never_true` macro) matches no event; `evt.num != 0`, `> 0` and `>= 1`
 * hold for every event and are as neutral as any other check.
 */
function eventNumber(c: Check): TypeSet {
  const r = c.rhs;
  if (r?.kind === 'list' && c.op === 'in') return r.items.every((i) => i.kind === 'literal' && /^0+$/.test(i.value)) ? NONE : ANY;
  if (r?.kind !== 'literal' || !/^[0-9]+$/.test(r.value)) return ANY;
  const n = Number(r.value);
  if (c.op === '=' || c.op === '==') return n === 0 ? NONE : ANY;
  if (c.op === '<') return n <= 1 ? NONE : ANY;
  if (c.op === '<=') return n === 0 ? NONE : ANY;
  return ANY;
}
