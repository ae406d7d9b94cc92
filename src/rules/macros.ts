/**
 * Macros are substituted on the syntax tree: a macro reference becomes the macro's own parsed
 * condition, so a macro behaves like a parenthesised sub-expression whatever surrounds it.
 * Macro trees are immutable and shared, so the nodes of an expanded rule keep the spans (by
 * identity) of the macro they came from, which lets errors found later point into the macro.
 */
import type { Expr, Span } from '../lang/index.js';

export interface MacroProblem {
  readonly code: 'MACRO_UNDEFINED' | 'MACRO_LOOP';
  readonly message: string;
  readonly span: Span;
  /** For loops: the macros on the loop, sorted, so one loop is reported once. */
  readonly loop?: string;
}

/** A parsed macro; `expr` is undefined when its condition did not parse (already reported). */
export interface ParsedMacro {
  readonly name: string;
  readonly expr: Expr | undefined;
  /** Definition order, and the position its condition sees macros up to (see MacroDef). */
  readonly index: number;
  readonly visibility: number;
}

/** Replaces macro references in `e`; records every macro used and every problem met. */
export function expandMacros(e: Expr, macros: ReadonlyMap<string, ParsedMacro>, used: Set<string>, problems: MacroProblem[], visibility = Infinity): Expr | undefined {
  return expand(e, macros, used, problems, [], visibility);
}

/** `visible`: the macros this text may name are those defined before this position. */
function expand(e: Expr, macros: ReadonlyMap<string, ParsedMacro>, used: Set<string>, problems: MacroProblem[], stack: string[], visible: number): Expr | undefined {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const children: Expr[] = [];
      let changed = false;
      let broken = false;
      for (const c of e.children) {
        const x = expand(c, macros, used, problems, stack, visible);
        if (x === undefined) broken = true;
        else {
          if (x !== c) changed = true;
          children.push(x);
        }
      }
      if (broken) return undefined;
      return changed ? { ...e, children } : e;
    }
    case 'not': {
      const x = expand(e.child, macros, used, problems, stack, visible);
      if (x === undefined) return undefined;
      return x === e.child ? e : { ...e, child: x };
    }
    case 'check':
      return e;
    case 'macro': {
      const m = macros.get(e.name);
      if (m === undefined || m.index >= visible) {
        problems.push({ code: 'MACRO_UNDEFINED', message: `Undefined macro '${e.name}' used in filter.`, span: e.span });
        return undefined;
      }
      used.add(e.name);
      if (stack.includes(e.name)) {
        const cycle = [...stack.slice(stack.indexOf(e.name)), e.name];
        problems.push({ code: 'MACRO_LOOP', message: `reference loop in macro '${e.name}' (${cycle.join(' -> ')})`, span: e.span, loop: [...new Set(cycle)].sort().join(',') });
        return undefined;
      }
      if (m.expr === undefined) return undefined;
      stack.push(e.name);
      const x = expand(m.expr, macros, used, problems, stack, m.visibility);
      stack.pop();
      return x;
    }
  }
}
