export * from './ast.js';
export { ConditionSyntaxError, renderCaret } from './errors.js';
export { parse, type ParseOptions } from './parser.js';
