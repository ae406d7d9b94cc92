/**
 * Rule exceptions (`fields`, `comps`, `values`) become condition text appended to the rule:
 * `(<condition>) and not <exception 1> and not <exception 2>`. This is done on text, before
 * lists and macros, as Falco does, so exception values may name lists.
 */
import { quoteItem } from './lists.js';

/** One exception as written (after appends merged values). */
export interface ExceptionSpec {
  readonly name: string;
  /** A single field (then `comps` is one list operator) or one field per tuple position. */
  readonly fields: string | readonly string[];
  readonly comps: string | readonly string[];
  /** Scalars for a single field; tuples (lists) for several. */
  readonly values: readonly unknown[];
}

const PLAIN_OPERATORS = ['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex'];
const LIST_OPERATORS = ['in', 'intersects', 'pmatch'];
const MODIFIER_BASES = new Set(['=', '==', '!=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex']);
const MODIFIERS = new Set(['oneof', 'anyof', 'allof']);

/** `"  startswith   oneof "` → `startswith oneof`. */
export function normalizeComp(comp: string): string {
  return comp.trim().split(/\s+/).join(' ');
}

function isModifierForm(comp: string): boolean {
  const [base, mod, ...rest] = comp.split(' ');
  return rest.length === 0 && base !== undefined && mod !== undefined && MODIFIER_BASES.has(base) && MODIFIERS.has(mod);
}

/** An operator an exception may use with a tuple of fields. */
export function isSupportedComp(comp: string): boolean {
  return PLAIN_OPERATORS.includes(comp) || LIST_OPERATORS.includes(comp) || isModifierForm(comp);
}

/** An operator whose right-hand side is a list: `in`, `intersects`, `pmatch`, or a modifier form. */
export function isListComp(comp: string): boolean {
  return LIST_OPERATORS.includes(comp) || isModifierForm(comp);
}

/** What a single-field exception may use. */
export function isScalarFieldComp(comp: string): boolean {
  return LIST_OPERATORS.includes(comp) || isModifierForm(comp);
}

export function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

function parenItem(s: string): string {
  return s.startsWith('(') ? s : `(${s})`;
}

/** The condition text of one exception, or '' when it has no values. Assumes it was validated. */
export function exceptionCondition(ex: ExceptionSpec): string {
  if (typeof ex.fields === 'string') {
    if (ex.values.length === 0) return '';
    const comp = typeof ex.comps === 'string' ? ex.comps : 'in';
    return `(${ex.fields} ${comp} (${ex.values.map((v) => quoteItem(scalarText(v))).join(', ')}))`;
  }
  const fields = ex.fields;
  const comps = typeof ex.comps === 'string' ? [ex.comps] : ex.comps;
  const tuples: string[] = [];
  for (const tuple of ex.values) {
    const vals = Array.isArray(tuple) ? (tuple as unknown[]) : [tuple];
    const parts = fields.map((f, k) => {
      const comp = comps[k] ?? '=';
      const v = vals[k];
      let text: string;
      if (Array.isArray(v)) text = `(${(v as unknown[]).map((x) => quoteItem(scalarText(x))).join(', ')})`;
      else text = isListComp(comp) ? parenItem(scalarText(v)) : quoteItem(scalarText(v));
      return `${f} ${comp} ${text}`;
    });
    tuples.push(`(${parts.join(' and ')})`);
  }
  return tuples.length === 0 ? '' : `(${tuples.join(' or ')})`;
}
