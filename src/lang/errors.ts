import type { Span } from './ast.js';

/** A syntax error in a condition, with the span it points at. */
export class ConditionSyntaxError extends Error {
  readonly code = 'CONDITION_SYNTAX';
  readonly span: Span;

  constructor(message: string, span: Span) {
    super(message);
    this.name = 'ConditionSyntaxError';
    this.span = span;
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
