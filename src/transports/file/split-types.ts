/**
 * Splitting a stream of JSON text into records without parsing it, so a 1 GB file is never held
 * in memory and one bad record never hides the good ones around it. Two modes, chosen from the
 * first lines of the input (`looksLikeJsonLines`):
 * - lines (line-splitter.ts): JSON lines, one record per line; a broken line is one error and
 *   the next line starts afresh.
 * - document (document-splitter.ts): one or more JSON documents (pretty-printed objects, a JSON
 *   array, CloudTrail's `{"Records": [...]}`, Kubernetes' `EventList`); the elements of a
 *   top-level array, or of a top-level object's `Records` / `items` array, or else the top-level
 *   value itself, are the records.
 * Splitters only cut text; parsing and meaning belong to the caller. Each record carries the
 * 1-based line it starts on.
 */

import type { ErrorCode } from '../../core/errors.js';

export interface SplitterLimits {
  /** Longest record, in characters, before it is rejected (and skipped without buffering). */
  readonly maxRecordChars: number;
  /** Deepest nesting in document mode before the record is rejected. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: SplitterLimits = Object.freeze({ maxRecordChars: 4 * 1024 * 1024, maxDepth: 256 });

/** A record cut from the text, or a problem found while cutting. */
export type SplitItem =
  | { readonly type: 'record'; readonly text: string; readonly line: number }
  | { readonly type: 'error'; readonly code: ErrorCode; readonly message: string; readonly line: number };

/** Common interface of the two modes. */
export interface Splitter {
  /** Feeds the next piece of text; returns the items completed by it. */
  push(chunk: string): SplitItem[];
  /** Signals the end of input; returns what was pending. */
  end(): SplitItem[];
}

export function tooLarge(line: number, limits: SplitterLimits): SplitItem {
  return {
    type: 'error',
    code: 'RECORD_TOO_LARGE',
    message: `record is longer than ${limits.maxRecordChars} characters; skipped`,
    line,
  };
}
