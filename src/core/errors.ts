/**
 * Stable error codes. A code, once published, keeps its meaning and is never reused; add new
 * ones at the end of their group.
 */
export const ERROR_CODES = {
  // input-level: the file or stream itself
  INPUT_UNREADABLE: 'the input cannot be opened or read',
  INPUT_BINARY: 'the input is not text (binary data)',
  INPUT_GZIP: 'the gzip stream is corrupt or truncated',
  INPUT_TRUNCATED: 'the input ends inside a JSON document',
  // record-level: one record, the rest of the input is still read
  JSON_SYNTAX: 'the record is not valid JSON',
  RECORD_TOO_LARGE: 'the record exceeds the size limit',
  RECORD_TOO_DEEP: 'the record nests deeper than the limit',
  RECORD_NOT_OBJECT: 'the record is not a JSON object',
  RECORD_UNRECOGNISED: 'the record is in none of the known formats',
  FIELD_MISSING: 'a required field is missing',
  FIELD_TYPE: 'a field has the wrong type',
  TIME_INVALID: 'the event time is missing or not a valid time',
  KIND_UNKNOWN: 'the record is of an event kind this source does not know',
  SCHEMA_INVALID: 'the record does not match the Vigil event schema',
  INTERNAL: 'an unexpected failure while decoding (a bug: please report it)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One rejected record or unreadable input, as reported in `errors[]`. */
export interface RecordError {
  readonly input: string;
  readonly line: number;
  readonly code: ErrorCode;
  readonly message: string;
  /** The field the problem is about, as a dotted path, when there is one. */
  readonly field?: string;
}

/** Turns anything thrown into a message, for reports at boundaries. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : 'unknown error';
}

/** `file:line: message [CODE]`, the readable form on stderr. */
export function formatRecordError(e: RecordError): string {
  const where = e.line > 0 ? `${e.input}:${e.line}` : e.input;
  const field = e.field === undefined ? '' : ` (field ${e.field})`;
  return `${where}: ${e.message}${field} [${e.code}]`;
}
