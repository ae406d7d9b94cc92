import type { Span } from './ast.js';

/** A condition that parses but cannot be compiled: unknown field, wrong type for an operator… */
export class ConditionCompileError extends Error {
  readonly code = 'CONDITION_COMPILE';
  readonly span: Span;

  constructor(message: string, span: Span) {
    super(message);
    this.name = 'ConditionCompileError';
    this.span = span;
  }
}
