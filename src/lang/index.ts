export * from './ast.js';
export { ConditionCompileError, ConditionError, ConditionSyntaxError, renderCaret } from './errors.js';
export { parse, type ParseOptions } from './parser.js';
export { compile, type CompileOptions, type Predicate } from './compile.js';
export { FieldMemo } from './memo.js';
export { createFieldTable, FIELD_TYPES, type FieldResolver, type FieldSpec, type FieldType, type FieldValue, type Scalar } from './fields.js';
export { globMatch, pathPrefixMatch } from './glob.js';
