/**
 * The syntax tree of a Falco condition: a tagged union on `kind`, every node with the span of
 * source text it came from. Produced by `parse` (parser.ts); compiled by the compiler.
 */

/** A stretch of the source: 0-based offset, 1-based line and column, length in characters. */
export interface Span {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
  readonly length: number;
}

export type Expr = AndExpr | OrExpr | NotExpr | MacroRef | Check;

export interface AndExpr {
  readonly kind: 'and';
  readonly children: readonly Expr[];
  readonly span: Span;
}

export interface OrExpr {
  readonly kind: 'or';
  readonly children: readonly Expr[];
  readonly span: Span;
}

export interface NotExpr {
  readonly kind: 'not';
  readonly child: Expr;
  readonly span: Span;
}

/** A bare identifier: a macro name, substituted before compiling. */
export interface MacroRef {
  readonly kind: 'macro';
  readonly name: string;
  readonly span: Span;
}

export const STRING_OPERATORS = ['=', '==', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex'] as const;
export const NUMERIC_OPERATORS = ['<', '<=', '>', '>='] as const;
export const LIST_OPERATORS = ['in', 'intersects', 'pmatch'] as const;
export type Operator = (typeof STRING_OPERATORS)[number] | (typeof NUMERIC_OPERATORS)[number] | (typeof LIST_OPERATORS)[number] | 'exists';

export const MODIFIERS = ['oneof', 'anyof', 'allof'] as const;
export type Modifier = (typeof MODIFIERS)[number];

export const TRANSFORMERS = ['tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'] as const;
export type TransformerName = (typeof TRANSFORMERS)[number];

/** `field op value`, `field exists`, `transformer(...) op value`. */
export interface Check {
  readonly kind: 'check';
  readonly lhs: Operand;
  readonly op: Operator;
  readonly modifier?: Modifier;
  /** Absent for `exists`. */
  readonly rhs?: Rhs;
  readonly span: Span;
}

/** A field reference: `proc.name`, `proc.aname[2]`, `ka.uri.param[command]`. */
export interface FieldRef {
  readonly kind: 'field';
  readonly name: string;
  readonly arg?: string;
  readonly span: Span;
}

/** A transformer call: `toupper(fd.name)`, `getopt(proc.args, "nt:")[t]`. */
export interface Transform {
  readonly kind: 'transform';
  readonly name: TransformerName;
  readonly args: readonly TransformArg[];
  readonly arg?: string;
  readonly span: Span;
}

export type Operand = FieldRef | Transform;

/** A literal: a bare or quoted string, or a number token (kept as written). */
export interface Literal {
  readonly kind: 'literal';
  readonly value: string;
  readonly quoted: boolean;
  readonly span: Span;
}

/** `(a, "b", c)` on the right of `in`, or a transformer's list argument. */
export interface ListLit {
  readonly kind: 'list';
  readonly items: readonly (Literal | Operand)[];
  readonly span: Span;
}

/** `val(field)`: another field's value as the operand. */
export interface ValueOf {
  readonly kind: 'val';
  readonly field: FieldRef;
  readonly arg?: string;
  readonly span: Span;
}

/** A single identifier where a list is expected (`x in mylist`): the name of a Falco list. */
export interface ListName {
  readonly kind: 'listname';
  readonly name: string;
  readonly span: Span;
}

export type Rhs = Literal | ListLit | ValueOf | Transform | ListName;
export type TransformArg = Literal | ListLit | Operand;
