/**
 * Rule output formats: literal text with `%field`, `%field[arg]` or `%transformer(...)` tokens,
 * optionally with a width (`%20proc.name`). Compiled once per rule into parts; rendering an
 * alert reads the fields (through the rule set's memo) and prints missing values as `<NA>` and
 * lists as `(a,b)`, as Falco does.
 */
import { compileOperand, ConditionCompileError, parseOperandAt, type FieldMemo, type FieldResolver, type FieldValue, type OperandGetter } from '../lang/index.js';

interface FieldPart<E> {
  readonly token: string;
  readonly width: number | undefined;
  readonly getter: OperandGetter<E>;
}

type Part<E> = string | FieldPart<E>;

/** A problem in a format, with its offset in the format text. */
export class OutputError extends Error {
  readonly offset: number;
  readonly length: number;

  constructor(message: string, offset: number, length: number) {
    super(message);
    this.offset = offset;
    this.length = length;
  }
}

export interface CompiledOutput<E> {
  /** The fields the format names, in order of appearance (Falco's `output_fields` keys). */
  readonly fields: readonly string[];
  render(event: E): string;
  values(event: E): Record<string, FieldValue | null>;
}

function show(v: FieldValue | undefined, any: boolean): string {
  if (v === undefined) return '<NA>';
  if (Array.isArray(v)) return any ? v.join(' ') : `(${v.join(',')})`;
  return String(v);
}

/** Compiles `format`; throws OutputError at the first bad token (a format is small; one error suffices). */
export function compileOutput<E>(format: string, resolver: FieldResolver<E>, memo: FieldMemo): CompiledOutput<E> {
  const parts: Part<E>[] = [];
  const fields: string[] = [];
  let text = '';
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      text += format.slice(i);
      break;
    }
    text += format.slice(i, pct);
    let j = pct + 1;
    while (j < format.length && format[j] !== undefined && /[0-9]/.test(format[j] as string)) j++;
    const width = j > pct + 1 ? Number(format.slice(pct + 1, j)) : undefined;
    const found = parseOperandAt(format, j);
    if (found === undefined) {
      const word = /^[^\s%]*/.exec(format.slice(j))?.[0] ?? '';
      throw new OutputError(word === '' ? "invalid formatting token: '%' must be followed by a field" : `invalid formatting token ${word}: not a field`, pct, word.length + 1);
    }
    const token = format.slice(j, found.end);
    let getter: OperandGetter<E>;
    try {
      getter = compileOperand(found.operand, resolver, { memo });
    } catch (err) {
      if (err instanceof ConditionCompileError) throw new OutputError(`invalid formatting token ${token}: ${err.message}`, pct, found.end - pct);
      throw err;
    }
    if (text !== '') parts.push(text);
    text = '';
    parts.push({ token, width, getter });
    fields.push(token);
    i = found.end;
  }
  if (text !== '') parts.push(text);
  return {
    fields,
    render(event) {
      let out = '';
      for (const p of parts) {
        if (typeof p === 'string') {
          out += p;
          continue;
        }
        const s = show(p.getter.get(event), p.getter.any);
        out += p.width === undefined ? s : s.length > p.width ? s.slice(0, p.width) : s.padEnd(p.width);
      }
      return out;
    },
    values(event) {
      const out: Record<string, FieldValue | null> = {};
      for (const p of parts) if (typeof p !== 'string') out[p.token] = p.getter.get(event) ?? null;
      return out;
    },
  };
}
