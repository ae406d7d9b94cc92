/**
 * Field transformers: `tolower`, `toupper`, `basename`, `b64` (decode), `len`, `join(sep, (…))`,
 * `concat(a, b, …)` and `getopt(args, "optstring")[c]`, compiled to getters. A transformer whose
 * input is not available is not available either.
 */

import type { Operand, Span, Transform, TransformArg } from './ast.js';
import { ConditionCompileError } from './errors.js';
import type { FieldType, FieldValue, Scalar } from './fields.js';

/** A compiled operand: its type, whether it is a list, and how to get its value. */
export interface Getter<E> {
  readonly type: FieldType;
  readonly list: boolean;
  /** Every ancestor's value, any of which may satisfy a check (see FieldSpec.anyWithoutArg). */
  readonly any?: boolean;
  /** Address values already turned into canonical keys (see compile.ts `addresses`). */
  readonly keyed?: boolean;
  /** A field the source never supplies (FieldSpec.never): checks on it are constant false. */
  readonly never?: boolean;
  /** For a plain field: its memo slot and extractor, so generated code can read it inline. */
  readonly slot?: number;
  /** With `slot`: the extraction the memo runs on a slot's first read in an event. */
  readonly extract?: (event: E) => FieldValue | undefined;
  readonly get: (event: E) => FieldValue | undefined;
}

type OperandCompiler<E> = (o: Operand) => Getter<E>;

export function compileTransform<E>(t: Transform, operand: OperandCompiler<E>): Getter<E> {
  switch (t.name) {
    case 'join':
      return noArg(t, join(t, operand));
    case 'concat':
      return noArg(t, concat(t, operand));
    case 'getopt':
      return getoptTransform(t, operand);
    default:
      return noArg(t, unary(t, operand));
  }
}

function noArg<E>(t: Transform, g: Getter<E>): Getter<E> {
  if (t.arg !== undefined) throw new ConditionCompileError(`'${t.name}' takes no [argument]`, t.span);
  return g;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A string-to-string transformer; undefined when the input cannot be transformed (bad base64). */
function stringMap(name: string, span: Span): (s: string) => string | undefined {
  switch (name) {
    case 'tolower':
      return (s) => s.toLowerCase();
    case 'toupper':
      return (s) => s.toUpperCase();
    case 'basename':
      return (s) => (s.endsWith('/') ? '' : s.slice(s.lastIndexOf('/') + 1));
    case 'b64':
      // Padding is optional; a length of 4n+1 can never be base64.
      return (s) => (s.length % 4 !== 1 && B64.test(s) ? Buffer.from(s, 'base64').toString('latin1') : undefined);
    default:
      throw new ConditionCompileError(`unknown transformer '${name}'`, span);
  }
}

/** tolower, toupper, basename, b64, len: one field or transformer. */
function unary<E>(t: Transform, operand: OperandCompiler<E>): Getter<E> {
  const [arg, ...extra] = t.args;
  if (arg === undefined || extra.length > 0 || arg.kind === 'literal' || arg.kind === 'list') {
    throw new ConditionCompileError(`'${t.name}' takes one field or transformer`, t.span);
  }
  const inner = operand(arg);
  if (t.name === 'len') {
    if (inner.type !== 'string' && !inner.list) throw new ConditionCompileError(`can't add field transformer: type ${inner.type} is not supported by 'len'`, t.span);
    return { type: 'number', list: false, get: (ev) => lengthOf(inner.get(ev)) };
  }
  if (inner.type !== 'string') throw new ConditionCompileError(`can't add field transformer: type ${inner.type} is not supported by '${t.name}'`, t.span);
  const map = stringMap(t.name, t.span);
  return {
    type: 'string',
    list: inner.list,
    get: (ev) => {
      const v = inner.get(ev);
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) return map(String(v));
      const out: string[] = [];
      for (const x of v as readonly Scalar[]) {
        const m = map(String(x));
        if (m === undefined) return undefined;
        out.push(m);
      }
      return out;
    },
  };
}

function lengthOf(v: FieldValue | undefined): number | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.length : String(v).length;
}

/** A transformer argument as a getter of text (constants are constant). */
function textOf<E>(a: TransformArg, operand: OperandCompiler<E>, span: Span): (ev: E) => string | undefined {
  if (a.kind === 'literal') {
    const v = a.value;
    return () => v;
  }
  if (a.kind === 'list') throw new ConditionCompileError('expected a single value, not a list', span);
  const g = operand(a);
  if (g.list) throw new ConditionCompileError('expected a single value, not a list field', a.span);
  return (ev) => {
    const v = g.get(ev);
    return v === undefined ? undefined : String(v);
  };
}

/** `join(sep, (a, b, …))`: the items joined with the separator; an empty list gives "". */
function join<E>(t: Transform, operand: OperandCompiler<E>): Getter<E> {
  const [sepArg, listArg, ...extra] = t.args;
  if (sepArg === undefined || listArg?.kind !== 'list' || extra.length > 0) {
    throw new ConditionCompileError("'join' takes a separator and a list: join(sep, (a, b))", t.span);
  }
  const sep = textOf(sepArg, operand, t.span);
  const items = listArg.items.map((i) => textOf(i, operand, t.span));
  return {
    type: 'string',
    list: false,
    get: (ev) => {
      const s = sep(ev);
      if (s === undefined) return undefined;
      const parts: string[] = [];
      for (const item of items) {
        const v = item(ev);
        if (v === undefined) return undefined;
        parts.push(v);
      }
      return parts.join(s);
    },
  };
}

/** `concat(a, b, …)`: at least two values, concatenated. */
function concat<E>(t: Transform, operand: OperandCompiler<E>): Getter<E> {
  if (t.args.length < 2) throw new ConditionCompileError("'concat' takes at least two values", t.span);
  const parts = t.args.map((a) => textOf(a, operand, t.span));
  return {
    type: 'string',
    list: false,
    get: (ev) => {
      let out = '';
      for (const p of parts) {
        const v = p(ev);
        if (v === undefined) return undefined;
        out += v;
      }
      return out;
    },
  };
}

/**
 * `getopt(args, "optstring")`: the option letters found and their arguments, parsed as POSIX
 * getopt does (stops at the first non-option or `--`, passes over long options; an unknown option gives "?", a missing
 * required argument ""). With `[c]`: the value of the last `-c`: its argument, or `c` itself for
 * a flag; not available when `-c` is absent.
 */
function getoptTransform<E>(t: Transform, operand: OperandCompiler<E>): Getter<E> {
  const [argsArg, optArg, ...extra] = t.args;
  if (argsArg === undefined || optArg?.kind !== 'literal' || extra.length > 0) {
    throw new ConditionCompileError("'getopt' takes an argument list and an option string: getopt(proc.args, \"nt:\")", t.span);
  }
  const argv = argvOf(argsArg, operand, t.span);
  const optstring = optArg.value;
  const want = t.arg;
  if (want === '') throw new ConditionCompileError("getopt's [option] must name an option letter", t.span);
  if (want === undefined) {
    return { type: 'string', list: true, get: (ev) => mapDefined(argv(ev), (a) => getopt(a, optstring).found) };
  }
  return { type: 'string', list: false, get: (ev) => mapDefined(argv(ev), (a) => getopt(a, optstring).last.get(want)) };
}

function mapDefined<A, B>(a: A | undefined, f: (a: A) => B): B | undefined {
  return a === undefined ? undefined : f(a);
}

function argvOf<E>(a: TransformArg, operand: OperandCompiler<E>, span: Span): (ev: E) => string[] | undefined {
  if (a.kind === 'list') {
    const items = a.items.map((i) => textOf(i, operand, span));
    return (ev) => {
      const out: string[] = [];
      for (const item of items) {
        const v = item(ev);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    };
  }
  if (a.kind === 'literal') throw new ConditionCompileError("getopt's first argument must be a list or a field", span);
  const g = operand(a);
  return (ev) => {
    const v = g.get(ev);
    if (v === undefined) return undefined;
    // A string field holds the arguments as one command line.
    return Array.isArray(v) ? v.map(String) : String(v).split(' ').filter((x) => x !== '');
  };
}

/** POSIX getopt over `argv` (no program name in it). */
export function getopt(argv: readonly string[], optstring: string): { found: string[]; last: Map<string, string> } {
  const spec = optstring.startsWith(':') ? optstring.slice(1) : optstring;
  const found: string[] = [];
  const last = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    // `--` ends the options; a long option (`--exec`) is not getopt's and is passed over.
    if (a === '--' || a.length < 2 || a[0] !== '-') break;
    if (a.startsWith('--')) continue;
    for (let j = 1; j < a.length; j++) {
      const c = a[j] as string;
      const k = c === ':' ? -1 : spec.indexOf(c);
      if (k < 0) {
        found.push('?');
        continue;
      }
      if (spec[k + 1] !== ':') {
        found.push(c);
        last.set(c, c);
        continue;
      }
      const value = j + 1 < a.length ? a.slice(j + 1) : argv[i + 1];
      if (j + 1 >= a.length && value !== undefined) i++;
      if (value === undefined) {
        found.push('');
        last.set(c, '');
      } else {
        found.push(c, value);
        last.set(c, value);
      }
      break;
    }
  }
  return { found, last };
}
