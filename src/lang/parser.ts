/**
 * A hand-written recursive-descent parser for Falco conditions (the libsinsp filter language),
 * scannerless like the reference: it reads the text directly, since what a word means depends
 * on where it stands (`in` is an operator after a field, a macro name elsewhere).
 *
 * Grammar (`_` optional blanks, `__` at least one blank; blanks are space, TAB, \b, CR, LF):
 *
 *   Filter      := _ Or _                                   (all input consumed)
 *   Or          := And ( _ 'or' ( __ And | &'(' And ) )*
 *   And         := Not ( _ 'and' ( __ Not | &'(' Not ) )*
 *   Not         := _ ( 'not' __ )* ( 'not' '(' Embedded | Check )
 *   Embedded    := _ Or _ ')'
 *   Check       := _ ( '(' Embedded | Operand Cond | Identifier )     -- Identifier: a macro
 *   Operand     := FieldRef | Transformer
 *   FieldRef    := FieldName ( '[' FieldArg ']' )?                  -- no blank before '['
 *   Transformer := TName '(' _ TArg ( _ ',' _ TArg )* _ ')' ( '[' FieldArg ']' )?
 *   TArg        := Number | QuotedString | '(' TList ')' | Operand
 *   TList       := ( _ TItem ( _ ',' _ TItem )* )? _                  -- TItem: Operand | QuotedString | Number
 *   Cond        := _ ( 'exists'
 *                    | NumOp _ ( Number | RhsXform )
 *                    | StrOp __ Modifier __ ( List | Identifier )      -- when a '(' or a name follows
 *                    | StrOp _ ( RhsXform | QuotedString | BareString )
 *                    | ListOp _ ( List | RhsXform | Identifier ) )
 *   NumOp       := '<=' | '<' | '>=' | '>'
 *   StrOp       := '==' | '=' | '!=' | WordOp __
 *   WordOp      := glob | iglob | contains | icontains | bcontains | startswith | bstartswith
 *                | endswith | regex
 *   ListOp      := ( 'intersects' | 'in' | 'pmatch' ) &( blank | '(' )
 *   Modifier    := 'oneof' | 'anyof' | 'allof'
 *   List        := '(' _ ( Value ( _ ',' _ Value )* )? _ ')'         -- Value: QuotedString | BareString
 *   RhsXform    := 'val(' _ FieldRef _ ')' ( '[' FieldArg ']' )? | Transformer
 *
 *   FieldName   := [a-zA-Z][a-zA-Z0-9_]* ( '.' [a-zA-Z][a-zA-Z0-9_]* )+
 *   Identifier  := [a-zA-Z][a-zA-Z0-9_]*
 *   Number      := 0[xX][0-9a-fA-F]+ | [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)?
 *   BareString  := [^()"'\s=,]+
 *   QuotedString:= '…' | "…"    (ends at the first delimiter not preceded by '\'; escapes
 *                                \b \f \n \r \t \\ \/ \xHH, \" in "…", \' in '…', '\ ' = '\')
 *   FieldArg    := QuotedString | [^\]\["'\s]+
 *
 * Precedence: not > and > or; and/or are n-ary. Nesting is capped (`maxDepth`) so hostile input
 * cannot exhaust the stack.
 */

import {
  MODIFIERS,
  TRANSFORMERS,
  type Check,
  type Expr,
  type FieldRef,
  type ListLit,
  type Literal,
  type Modifier,
  type Operand,
  type Operator,
  type Rhs,
  type Span,
  type Transform,
  type TransformArg,
  type TransformerName,
  type ValueOf,
} from './ast.js';
import { ConditionSyntaxError } from './errors.js';

export interface ParseOptions {
  /** Deepest nesting of parentheses and transformer calls (Falco allows about 200 in rules). */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 200;

const FIELD_NAME = /[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+/y;
const IDENTIFIER = /[a-zA-Z][a-zA-Z0-9_]*/y;
const NUMBER = /0[xX][0-9a-fA-F]+|[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y;
const BARE_STRING = /[^()"'\s=,]+/y;
const BARE_FIELD_ARG = /[^\][" '\t\n\r\f\v]+/y;
const WORD_OPERATORS = ['glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex'] as const;
const LIST_OPERATORS = ['intersects', 'in', 'pmatch'] as const;
const KEYWORDS = new Set(['and', 'or', 'not']);
const TRANSFORMER_NAMES: ReadonlySet<string> = new Set(TRANSFORMERS);
const MODIFIER_NAMES: ReadonlySet<string> = new Set(MODIFIERS);
const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '\\': '\\', '/': '/' };

/** Parses a condition into its syntax tree; throws ConditionSyntaxError with the offending span. */
export function parse(source: string, options: ParseOptions = {}): Expr {
  return new Parser(source, options.maxDepth ?? DEFAULT_MAX_DEPTH).parseFilter();
}

/**
 * Parses one field reference or transformer call starting at `offset` (an output format's
 * `%proc.name`, `%proc.aname[2]`, `%tolower(fd.name)`), or undefined when none starts there.
 * Returns where it ends, so the caller can continue with the literal text after it.
 */
export function parseOperandAt(source: string, offset: number): { readonly operand: Operand; readonly end: number } | undefined {
  const p = new Parser(source, DEFAULT_MAX_DEPTH);
  return p.operandAt(offset);
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\b' || c === '\r' || c === '\n';
}

class Parser {
  #pos = 0;
  #depth = 0;
  readonly #src: string;
  readonly #maxDepth: number;

  constructor(src: string, maxDepth: number) {
    this.#src = src;
    this.#maxDepth = maxDepth;
  }

  parseFilter(): Expr {
    this.#blanks();
    const e = this.#or();
    this.#blanks();
    if (this.#pos < this.#src.length) {
      // Worded as libsinsp words it (users grep for it), with what was found.
      const before = /(?:[^\s()=,<>!]+|[()])$/.exec(this.#src.slice(0, this.#pos).trimEnd())?.[0] ?? '';
      throw this.#error(`unexpected token after '${before}', expecting 'or', 'and' (found '${this.#src.slice(this.#pos, this.#pos + 16)}')`);
    }
    return e;
  }

  // ---- expressions

  #or(): Expr {
    const start = this.#pos;
    const children = [this.#and()];
    while (this.#connective('or')) children.push(this.#and());
    return children.length === 1 ? (children[0] as Expr) : { kind: 'or', children, span: this.#span(start) };
  }

  #and(): Expr {
    const start = this.#pos;
    const children = [this.#not()];
    while (this.#connective('and')) children.push(this.#not());
    return children.length === 1 ? (children[0] as Expr) : { kind: 'and', children, span: this.#span(start) };
  }

  /** Consumes `_ word` followed by blanks or '(' when it is there; false (nothing consumed) when not. */
  #connective(word: 'and' | 'or'): boolean {
    const save = this.#pos;
    this.#blanks();
    if (!this.#src.startsWith(word, this.#pos)) {
      this.#pos = save;
      return false;
    }
    const next = this.#src[this.#pos + word.length];
    if (!isBlank(next) && next !== '(') {
      this.#pos += word.length;
      throw this.#error(`expected blank or '(' after '${word}'`);
    }
    this.#pos += word.length;
    this.#blanks();
    return true;
  }

  #not(): Expr {
    this.#blanks();
    const start = this.#pos;
    let negations = 0;
    let inner: Expr | undefined;
    while (this.#src.startsWith('not', this.#pos)) {
      const next = this.#src[this.#pos + 3];
      if (next !== undefined && /\s/.test(next)) {
        this.#pos += 3;
        while (this.#pos < this.#src.length && /\s/.test(this.#src[this.#pos] as string)) this.#pos++;
        negations++;
      } else if (next === '(') {
        this.#pos += 4;
        inner = this.#embedded();
        negations++;
        break;
      } else {
        break; // `notb`: an identifier
      }
    }
    let e = inner ?? this.#check();
    for (let i = 0; i < negations; i++) e = { kind: 'not', child: e, span: this.#span(start) };
    return e;
  }

  /** After '(' : an expression and the closing ')'. */
  #embedded(): Expr {
    this.#enter();
    this.#blanks();
    const e = this.#or();
    this.#blanks();
    this.#expect(')');
    this.#depth--;
    return e;
  }

  #check(): Expr {
    this.#blanks();
    const start = this.#pos;
    if (this.#src[this.#pos] === '(') {
      this.#pos++;
      return this.#embedded();
    }
    const operand = this.#operand();
    if (operand !== undefined) return this.#condition(operand, start);
    const name = this.#match(IDENTIFIER);
    if (name !== undefined && !KEYWORDS.has(name)) return { kind: 'macro', name, span: this.#span(start) };
    this.#pos = start;
    throw this.#error("expected a field, a transformer, a macro name or '('");
  }

  // ---- operands

  operandAt(offset: number): { readonly operand: Operand; readonly end: number } | undefined {
    this.#pos = offset;
    try {
      const operand = this.#operand();
      return operand === undefined ? undefined : { operand, end: this.#pos };
    } catch (err) {
      if (err instanceof ConditionSyntaxError) return undefined;
      throw err;
    }
  }

  #operand(): Operand | undefined {
    return this.#transformer() ?? this.#fieldRef();
  }

  #fieldRef(): FieldRef | undefined {
    const start = this.#pos;
    const name = this.#match(FIELD_NAME);
    if (name === undefined) return undefined;
    const arg = this.#fieldArg();
    return arg === undefined ? { kind: 'field', name, span: this.#span(start) } : { kind: 'field', name, arg, span: this.#span(start) };
  }

  /** `[arg]` right after a name or call, when present. */
  #fieldArg(): string | undefined {
    if (this.#src[this.#pos] !== '[') return undefined;
    this.#pos++;
    const c = this.#src[this.#pos];
    const arg = c === '"' || c === "'" ? this.#quoted() : this.#match(BARE_FIELD_ARG);
    if (arg === undefined) throw this.#error('expected a valid field argument: a quoted string or a bare string');
    this.#expect(']');
    return arg;
  }

  #transformer(): Transform | undefined {
    const start = this.#pos;
    const name = this.#match(IDENTIFIER);
    if (name === undefined || !TRANSFORMER_NAMES.has(name) || this.#src[this.#pos] !== '(') {
      this.#pos = start;
      return undefined;
    }
    this.#pos++;
    this.#enter();
    const args: TransformArg[] = [];
    do {
      this.#blanks();
      args.push(this.#transformArg());
      this.#blanks();
    } while (this.#eat(','));
    this.#expect(')');
    this.#depth--;
    const arg = this.#fieldArg();
    const t = { kind: 'transform', name: name as TransformerName, args, span: this.#span(start) } as const;
    return arg === undefined ? t : { ...t, arg };
  }

  #transformArg(): TransformArg {
    const start = this.#pos;
    const c = this.#src[this.#pos];
    if (c === '"' || c === "'") return this.#literal(start, this.#quoted(), true);
    if (c === '(') return this.#transformList();
    const operand = this.#operand();
    if (operand !== undefined) return operand;
    const n = this.#match(NUMBER);
    if (n !== undefined) return this.#literal(start, n, false);
    throw this.#error('expected a transformer argument: a field, a transformer, a string, a number or a list');
  }

  #transformList(): ListLit {
    this.#enter();
    const list = this.#delimited<Literal | Operand>(() => {
      const at = this.#pos;
      const c = this.#src[at];
      if (c === '"' || c === "'") return this.#literal(at, this.#quoted(), true);
      return this.#operand() ?? this.#numberLiteral() ?? this.#fail('expected a list item: a field, a transformer, a string or a number');
    });
    this.#depth--;
    return list;
  }

  /** `'(' _ ( item ( _ ',' _ item )* )? _ ')'` at the cursor, the one list shape of the language. */
  #delimited<T extends Literal | Operand>(item: () => T): ListLit {
    const start = this.#pos;
    this.#pos++;
    const items: T[] = [];
    this.#blanks();
    if (!this.#eat(')')) {
      do {
        this.#blanks();
        items.push(item());
        this.#blanks();
      } while (this.#eat(','));
      this.#expect(')');
    }
    return { kind: 'list', items, span: this.#span(start) };
  }

  // ---- conditions

  #condition(lhs: Operand, start: number): Check {
    this.#blanks();
    const s = this.#src;
    if (s.startsWith('exists', this.#pos)) {
      this.#pos += 6;
      return { kind: 'check', lhs, op: 'exists', span: this.#span(start) };
    }
    for (const op of ['<=', '>=', '<', '>'] as const) {
      if (s.startsWith(op, this.#pos)) {
        this.#pos += op.length;
        this.#blanks();
        const rhs = this.#rhsTransform() ?? this.#numberLiteral() ?? this.#fail(`expected a number or a transformer after '${op}'`);
        return { kind: 'check', lhs, op, rhs, span: this.#span(start) };
      }
    }
    for (const op of ['==', '!=', '='] as const) {
      if (s.startsWith(op, this.#pos)) {
        this.#pos += op.length;
        return this.#stringCondition(lhs, op, start);
      }
    }
    const word = this.#peekWord();
    if ((WORD_OPERATORS as readonly string[]).includes(word)) {
      this.#pos += word.length;
      if (!isBlank(s[this.#pos])) throw this.#error(`expected a blank after '${word}'`);
      return this.#stringCondition(lhs, word as Operator, start);
    }
    if ((LIST_OPERATORS as readonly string[]).includes(word) && (isBlank(s[this.#pos + word.length]) || s[this.#pos + word.length] === '(')) {
      this.#pos += word.length;
      this.#blanks();
      const rhs = this.#list() ?? this.#rhsTransform() ?? this.#listName() ?? this.#fail(`expected a list, a transformer or a list name after '${word}'`);
      return { kind: 'check', lhs, op: word as Operator, rhs, span: this.#span(start) };
    }
    throw this.#error('expected an operator (=, !=, <, contains, in, exists, ...)');
  }

  #stringCondition(lhs: Operand, op: Operator, start: number): Check {
    const before = this.#pos;
    this.#blanks();
    // A modifier needs a blank on both sides: `==oneof (a)` is the value "oneof" and a stray '('.
    const modifier = this.#pos > before ? this.#modifier() : undefined;
    if (modifier !== undefined) {
      const rhs = this.#list() ?? this.#listName() ?? this.#fail(`expected a list or a list name after '${modifier}'`);
      return { kind: 'check', lhs, op, modifier, rhs, span: this.#span(start) };
    }
    const at = this.#pos;
    const c = this.#src[at];
    let rhs: Rhs | undefined = this.#rhsTransform();
    if (rhs === undefined && (c === '"' || c === "'")) rhs = this.#literal(at, this.#quoted(), true);
    if (rhs === undefined) {
      const bare = this.#match(BARE_STRING);
      if (bare === undefined) throw this.#error(`expected a value after '${op}'`);
      rhs = this.#literal(at, bare, false);
    }
    return { kind: 'check', lhs, op, rhs, span: this.#span(start) };
  }

  /** `oneof`/`anyof`/`allof` followed by blanks and then a list or a (non-keyword) name. */
  #modifier(): Modifier | undefined {
    const word = this.#peekWord();
    if (!MODIFIER_NAMES.has(word) || !isBlank(this.#src[this.#pos + word.length])) return undefined;
    let i = this.#pos + word.length;
    while (isBlank(this.#src[i])) i++;
    const next = this.#src[i];
    if (next === '(') {
      this.#pos = i;
      return word as Modifier;
    }
    IDENTIFIER.lastIndex = i;
    const m = IDENTIFIER.exec(this.#src);
    if (m === null || KEYWORDS.has(m[0])) return undefined; // `== oneof and …`: the string "oneof"
    this.#pos = i;
    return word as Modifier;
  }

  #rhsTransform(): ValueOf | Transform | undefined {
    const start = this.#pos;
    if (this.#src.startsWith('val(', this.#pos)) {
      this.#pos += 4;
      this.#blanks();
      const field = this.#fieldRef() ?? this.#fail('expected a field inside val()');
      this.#blanks();
      this.#expect(')');
      const arg = this.#fieldArg();
      const v = { kind: 'val', field, span: this.#span(start) } as const;
      return arg === undefined ? v : { ...v, arg };
    }
    return this.#transformer();
  }

  #list(): ListLit | undefined {
    if (this.#src[this.#pos] !== '(') return undefined;
    return this.#delimited<Literal>(() => {
      const at = this.#pos;
      const c = this.#src[at];
      if (c === '"' || c === "'") return this.#literal(at, this.#quoted(), true);
      return this.#literal(at, this.#match(BARE_STRING) ?? this.#fail('expected a list value: a quoted or a bare string'), false);
    });
  }

  #listName(): Rhs | undefined {
    const start = this.#pos;
    const name = this.#match(IDENTIFIER);
    if (name === undefined) return undefined;
    if (KEYWORDS.has(name)) {
      this.#pos = start;
      return undefined;
    }
    return { kind: 'listname', name, span: this.#span(start) };
  }

  // ---- lexical pieces

  #numberLiteral(): Literal | undefined {
    const start = this.#pos;
    const n = this.#match(NUMBER);
    return n === undefined ? undefined : this.#literal(start, n, false);
  }

  #literal(start: number, value: string, quoted: boolean): Literal {
    return { kind: 'literal', value, quoted, span: this.#span(start) };
  }

  /** A quoted string at the cursor, unescaped. */
  #quoted(): string {
    const start = this.#pos;
    const q = this.#src[start] as string;
    let end = start + 1;
    for (;;) {
      end = this.#src.indexOf(q, end);
      if (end < 0) {
        this.#pos = start;
        throw this.#error(`unterminated ${q}-quoted string`);
      }
      if (this.#src[end - 1] !== '\\') break;
      end++;
    }
    const body = this.#src.slice(start + 1, end);
    this.#pos = end + 1;
    return this.#unescape(body, q, start + 1);
  }

  #unescape(body: string, q: string, at: number): string {
    if (!body.includes('\\')) return body;
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const c = body[i] as string;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = body[i + 1];
      if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        i++;
      } else if (e === q) {
        out += q;
        i++;
      } else if (e === ' ') {
        out += '\\';
        i++;
      } else if (e === 'x') {
        const hex = body.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw this.#errorAt(at + i, 2, 'truncated hex char escape sequence');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 3;
      } else if (e === '"' || e === "'") {
        throw this.#errorAt(at + i, 2, `invalid \\${e} escape in ${q}-quoted string`);
      } else {
        throw this.#errorAt(at + i, 2, 'unsupported string escape sequence');
      }
    }
    return out;
  }

  #peekWord(): string {
    IDENTIFIER.lastIndex = this.#pos;
    const m = IDENTIFIER.exec(this.#src);
    return m === null ? '' : m[0];
  }

  #match(re: RegExp): string | undefined {
    re.lastIndex = this.#pos;
    const m = re.exec(this.#src);
    if (m === null || m[0] === '') return undefined;
    this.#pos += m[0].length;
    return m[0];
  }

  #blanks(): void {
    while (isBlank(this.#src[this.#pos])) this.#pos++;
  }

  #eat(c: string): boolean {
    if (this.#src[this.#pos] !== c) return false;
    this.#pos++;
    return true;
  }

  #expect(c: string): void {
    if (!this.#eat(c)) throw this.#error(`expected a '${c}' token`);
  }

  #enter(): void {
    if (++this.#depth > this.#maxDepth) throw this.#error(`exceeded max depth limit of ${this.#maxDepth}`);
  }

  #fail(message: string): never {
    throw this.#error(message);
  }

  #span(start: number): Span {
    return this.#spanAt(start, this.#pos - start);
  }

  #spanAt(offset: number, length: number): Span {
    let line = 1;
    let lineStart = 0;
    for (let i = this.#src.indexOf('\n'); i >= 0 && i < offset; i = this.#src.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { offset, line, col: offset - lineStart + 1, length };
  }

  #error(message: string): ConditionSyntaxError {
    return this.#errorAt(this.#pos, 1, message);
  }

  #errorAt(offset: number, length: number, message: string): ConditionSyntaxError {
    return new ConditionSyntaxError(message, this.#spanAt(offset, length));
  }
}
