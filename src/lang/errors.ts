import type { Span } from './ast.js';

/** A problem with a condition, with a stable code and the span it points at. */
export class ConditionError extends Error {
  readonly code: 'CONDITION_SYNTAX' | 'CONDITION_COMPILE';
  readonly span: Span;

  constructor(code: ConditionError['code'], message: string, span: Span) {
    super(message);
    this.code = code;
    this.span = span;
  }
}

/** A syntax error in a condition. */
export class ConditionSyntaxError extends ConditionError {
  constructor(message: string, span: Span) {
    super('CONDITION_SYNTAX', message, span);
    this.name = 'ConditionSyntaxError';
  }
}

/** A condition that parses but cannot be compiled: unknown field, wrong type for an operator… */
export class ConditionCompileError extends ConditionError {
  constructor(message: string, span: Span) {
    super('CONDITION_COMPILE', message, span);
    this.name = 'ConditionCompileError';
  }
}

/**
 * The line of `source` the span is on, with a caret under it, for error messages:
 *
 *     proc.name = x and
 *                      ^ expected a field, a transformer, a macro or '('
 */
export function renderCaret(source: string, span: Span, message: string): string {
  const lines = source.split('\n');
  const text = lines[span.line - 1] ?? '';
  const width = Math.max(1, Math.min(span.length, text.length - span.col + 1));
  return `${text}\n${' '.repeat(Math.max(0, span.col - 1))}${'^'.repeat(width)} ${message}`;
}
