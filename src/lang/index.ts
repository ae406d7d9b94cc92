export * from './ast.js';
export { ConditionCompileError, ConditionError, ConditionSyntaxError, renderCaret } from './errors.js';
export { parse, parseOperandAt, type ParseOptions } from './parser.js';
export { compile, compileConditionList, compileOperand, SharedConditions, type CompileOptions, type OperandGetter, type Predicate } from './compile.js';
export { FieldMemo } from './memo.js';
export { createFieldTable, FIELD_TYPES, type FieldResolver, type FieldSpec, type FieldType, type FieldValue, type Scalar } from './fields.js';
export { globMatch, pathPrefixMatch } from './glob.js';
export { printCondition } from './print.js';
export type { ConditionListEvaluator } from './generate.js';
