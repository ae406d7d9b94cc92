/**
 * Problems found while loading rule files. Loading never stops at the first one: every item is
 * checked and every problem is kept, each with a stable code, the file, line and column it
 * points at, and (for conditions) the offending line with a caret under the spot.
 */

export const RULE_ERROR_CODES = [
  'YAML_SYNTAX',
  'ITEM_INVALID',
  'ITEM_UNKNOWN_KEY',
  'ITEM_UNKNOWN',
  'ENGINE_VERSION',
  'PLUGIN_VERSION',
  'NO_PREVIOUS',
  'OVERRIDE_INVALID',
  'SOURCE_CONFLICT',
  'SOURCE_UNKNOWN',
  'PRIORITY_INVALID',
  'EXCEPTION_INVALID',
  'CONDITION_SYNTAX',
  'CONDITION_COMPILE',
  'MACRO_UNDEFINED',
  'MACRO_LOOP',
  'OUTPUT_INVALID',
  'NAME_INVALID',
  'DEPRECATED',
  'UNUSED',
  'EVTTYPE_BROAD',
  'FIELD_AS_VALUE',
  'NEVER_MATCHES',
  'FILE_UNREADABLE',
  // Correlation files (src/correlate/load.ts).
  'CORRELATION_INVALID',
  'CORRELATION_UNKNOWN_KEY',
  'CORRELATION_REFERENCE',
  'CORRELATION_CYCLE',
  'CORRELATION_DUPLICATE',
  'TECHNIQUE_INVALID',
  'DURATION_INVALID',
] as const;
export type RuleErrorCode = (typeof RULE_ERROR_CODES)[number];

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: RuleErrorCode;
  readonly message: string;
  readonly file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  readonly line: number;
  readonly col: number;
  /** The kind of item the problem is in (`rule`, `macro`, `list`, `exception`…) and its name. */
  readonly itemType?: string;
  readonly itemName?: string;
  /** The source line with a caret under the spot, when there is one. */
  readonly excerpt?: string;
}

/** Where in a file something is. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** `file:line:col: error CODE: message (in rule 'x')` and the excerpt below it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const item = d.itemType === undefined ? '' : ` (in ${d.itemType} '${d.itemName ?? ''}')`;
  const head = `${where}: ${d.severity} ${d.code}: ${d.message}${item}`;
  return d.excerpt === undefined ? head : `${head}\n${d.excerpt}`;
}
