/**
 * Document mode of splitting (see split-types.ts): scans JSON text incrementally, tracking only
 * strings and nesting, and cuts out records. Strings are skipped with `indexOf`, so the scan
 * touches few characters one by one; records are emitted as substrings for `JSON.parse`.
 */

import { DEFAULT_LIMITS, tooLarge, type SplitItem, type Splitter, type SplitterLimits } from './split-types.js';

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;
const LF = 10;

const WRAPPER_KEYS: ReadonlySet<string> = new Set(['Records', 'items']);

/** Where records live in the current top-level value. */
type Layout =
  | 'none' // between top-level values
  | 'object' // a top-level object that is itself the record (until it turns out to be a wrapper)
  | 'wrapper' // a top-level object whose Records/items array holds the records (depth 2)
  | 'array'; // a top-level array whose elements are the records (depth 1)

export function createDocumentSplitter(limits: SplitterLimits = DEFAULT_LIMITS): Splitter {
  let buf = '';
  let pos = 0;
  let line = 1;
  let depth = 0;
  let layout: Layout = 'none';
  // The open record, if any.
  let recOpen = false;
  let recStart = -1; // -1 once the record's text is dropped (too large or too deep)
  let recLine = 0;
  let recDepth = 0; // container depth the record sits in
  let recScalar = false;
  let recProblem: 'large' | 'deep' | undefined;
  // Inside a string that continues into the next chunk.
  let strStart = -1;
  // Key tracking at depth 1 of a top-level object, to find wrapper arrays.
  let expectKey = false;
  let lastKey = '';
  let afterWrapperColon = false;

  function openRecord(at: number, d: number, scalar: boolean): void {
    recOpen = true;
    recStart = at;
    recLine = line;
    recDepth = d;
    recScalar = scalar;
    recProblem = undefined;
  }

  function closeRecord(end: number, out: SplitItem[]): void {
    recOpen = false;
    if (recProblem === 'large') {
      out.push(tooLarge(recLine, limits));
    } else if (recProblem === 'deep') {
      out.push({ type: 'error', code: 'RECORD_TOO_DEEP', message: `record nests deeper than ${limits.maxDepth} levels; skipped`, line: recLine });
    } else if (recStart >= 0 && end - recStart > limits.maxRecordChars) {
      out.push(tooLarge(recLine, limits));
    } else if (recStart >= 0) {
      const text = buf.slice(recStart, end);
      out.push({ type: 'record', text, line: recLine });
    }
    recStart = -1;
  }

  function countLines(from: number, to: number): void {
    let i = buf.indexOf('\n', from);
    while (i >= 0 && i < to) {
      line++;
      i = buf.indexOf('\n', i + 1);
    }
  }

  /** Continues a string; returns false when it runs past the buffered text. */
  function scanString(): boolean {
    let i = pos;
    for (;;) {
      const q = buf.indexOf('"', i);
      if (q < 0) {
        countLines(pos, buf.length);
        pos = buf.length;
        return false;
      }
      let bs = 0;
      for (let j = q - 1; j >= strStart && buf.charCodeAt(j) === BACKSLASH; j--) bs++;
      if ((bs & 1) === 0) {
        countLines(pos, q);
        if (expectKey && depth === 1 && (layout === 'object' || layout === 'wrapper')) lastKey = buf.slice(strStart, q);
        pos = q + 1;
        strStart = -1;
        return true;
      }
      i = q + 1;
    }
  }

  function startValue(c: number): void {
    // A value begins at depth `depth`. Decide whether it opens a record.
    if (depth === 0) {
      if (c === LBRACKET) {
        layout = 'array';
      } else if (c === LBRACE) {
        layout = 'object';
        openRecord(pos, 0, false);
      } else {
        layout = 'none';
        openRecord(pos, 0, true);
      }
      return;
    }
    if (recOpen) return;
    if ((layout === 'array' && depth === 1) || (layout === 'wrapper' && depth === 2)) {
      openRecord(pos, depth, c !== LBRACE && c !== LBRACKET);
    }
  }

  function scan(out: SplitItem[]): void {
    const n = buf.length;
    while (pos < n) {
      if (strStart >= 0) {
        if (!scanString()) return;
        continue;
      }
      const c = buf.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
        pos++;
        continue;
      }
      if (c === LF) {
        line++;
        pos++;
        if (recOpen && recScalar && depth === 0) closeRecord(pos - 1, out);
        continue;
      }
      if (recOpen && recScalar && recDepth > 0 && depth === recDepth && (c === COMMA || c === RBRACKET)) {
        closeRecord(pos, out);
      }
      if (c === QUOTE) {
        if (!recOpen || !recScalar) startValueIfNeeded(c);
        strStart = pos + 1;
        pos++;
        if (!scanString()) return;
        continue;
      }
      if (c === LBRACE || c === LBRACKET) {
        startValueIfNeeded(c);
        if (afterWrapperColon && c === LBRACKET && depth === 1 && WRAPPER_KEYS.has(lastKey)) {
          // The top-level object is a wrapper: its records are the array's elements.
          layout = 'wrapper';
          recOpen = false;
          recStart = -1;
        }
        afterWrapperColon = false;
        depth++;
        expectKey = c === LBRACE && depth === 1;
        if (recOpen && depth - recDepth > limits.maxDepth && recProblem === undefined) {
          recProblem = 'deep';
          recStart = -1;
        }
        pos++;
        continue;
      }
      if (c === RBRACE || c === RBRACKET) {
        if (depth === 0) {
          out.push({ type: 'error', code: 'JSON_SYNTAX', message: `unexpected '${String.fromCharCode(c)}' outside any JSON value`, line });
          pos++;
          continue;
        }
        depth--;
        pos++;
        if (recOpen && !recScalar && depth === recDepth) closeRecord(pos, out);
        if (depth === 0) layout = 'none';
        continue;
      }
      if (depth === 1 && (layout === 'object' || layout === 'wrapper')) {
        if (c === COLON) {
          expectKey = false;
          afterWrapperColon = true;
        } else if (c === COMMA) {
          expectKey = true;
          afterWrapperColon = false;
        }
      } else if (c !== COMMA && c !== COLON) {
        startValueIfNeeded(c);
      }
      pos++;
    }
  }

  function startValueIfNeeded(c: number): void {
    if (depth === 0 && recOpen) return;
    if (depth === 0 || !recOpen) startValue(c);
  }

  function guardSize(): void {
    if (recOpen && recStart >= 0 && pos - recStart > limits.maxRecordChars) {
      recProblem = 'large';
      recStart = -1;
    }
  }

  function compact(): void {
    // Keep the open record's text (or, when it is dropped, only the tail of an open string).
    let keep = recOpen && recStart >= 0 ? recStart : pos;
    if (strStart >= 0) keep = Math.min(keep, strStart);
    if (keep <= 0) return;
    buf = buf.slice(keep);
    pos -= keep;
    if (recStart >= 0) recStart -= keep;
    if (strStart >= 0) strStart -= keep;
  }

  return {
    push(chunk) {
      const out: SplitItem[] = [];
      buf = buf.length === 0 ? chunk : buf + chunk;
      scan(out);
      guardSize();
      if (recProblem !== undefined && strStart >= 0) strStart = Math.max(0, pos - 1);
      compact();
      return out;
    },
    end() {
      const out: SplitItem[] = [];
      if (recOpen && recScalar && depth === 0) closeRecord(pos, out);
      if (depth > 0 || strStart >= 0 || recOpen) {
        const from = recOpen ? recLine : line;
        out.push({
          type: 'error',
          code: 'INPUT_TRUNCATED',
          message: `input ends inside a JSON value (started on line ${from})`,
          line: from,
        });
      }
      buf = '';
      pos = 0;
      recOpen = false;
      return out;
    },
  };
}
