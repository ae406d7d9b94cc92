/**
 * Prints a condition tree the way libsinsp does (`compiled_condition` in Falco's loader tests):
 * single spaces around operators, lists as `(a, b)`, and/or groups parenthesised per node, `not`
 * as a prefix. Used for `vigil rules check` output and for conformance tests.
 */
import type { Expr, ListLit, Literal, Operand, Rhs } from './ast.js';

const BARE = /^[^()"'\s=,]+$/;

function literal(l: Literal): string {
  return BARE.test(l.value) ? l.value : `"${l.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function operand(o: Operand): string {
  if (o.kind === 'field') return o.arg === undefined ? o.name : `${o.name}[${o.arg}]`;
  const args = o.args.map((a) => (a.kind === 'literal' ? literal(a) : a.kind === 'list' ? list(a) : operand(a)));
  return `${o.name}(${args.join(', ')})${o.arg === undefined ? '' : `[${o.arg}]`}`;
}

function list(l: ListLit): string {
  return `(${l.items.map((i) => (i.kind === 'literal' ? literal(i) : operand(i))).join(', ')})`;
}

function rhs(r: Rhs): string {
  switch (r.kind) {
    case 'literal':
      return literal(r);
    case 'list':
      return list(r);
    case 'listname':
      return `(${r.name})`;
    case 'val':
      return `val(${operand(r.field)})${r.arg === undefined ? '' : `[${r.arg}]`}`;
    case 'transform':
      return operand(r);
  }
}

export function printCondition(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.children.map(printCondition).join(` ${e.kind} `)})`;
    case 'not':
      return `not ${printCondition(e.child)}`;
    case 'macro':
      return e.name;
    case 'check': {
      const lhs = operand(e.lhs);
      if (e.op === 'exists' || e.rhs === undefined) return `${lhs} exists`;
      return `${lhs} ${e.op}${e.modifier === undefined ? '' : ` ${e.modifier}`} ${rhs(e.rhs)}`;
    }
  }
}
