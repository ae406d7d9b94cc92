/** JSON-lines mode of splitting (see split-types.ts), and the choice between the two modes. */

import { DEFAULT_LIMITS, tooLarge, type SplitItem, type Splitter, type SplitterLimits } from './split-types.js';

const enum Ch {
  LF = 10,
  CR = 13,
  Space = 32,
  Tab = 9,
  Quote = 34,
  Backslash = 92,
  LBrace = 123,
  RBrace = 125,
  LBracket = 91,
  RBracket = 93,
  BOM = 0xfeff,
}

function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.LF || c === Ch.CR || c === Ch.Tab || c === Ch.BOM;
}

/**
 * Decides between lines and document mode from the start of the input: JSON lines when the first
 * non-blank line is a complete value on its own or is not JSON at all (text lines are then each
 * reported), or when at least two of the next few whole lines are complete values (a first line
 * that is broken must not turn a JSON-lines file into one long document).
 */
export function looksLikeJsonLines(head: string): boolean {
  const lines = head.split('\n');
  // The last piece may be cut by the chunk boundary: judge only whole lines.
  const whole = head.endsWith('\n') ? lines : lines.slice(0, -1);
  let first = true;
  let complete = 0;
  for (const raw of whole.slice(0, 8)) {
    const line = raw.trim();
    if (line === '') continue;
    if (first) {
      const c = line.charCodeAt(0);
      if ((c !== Ch.LBrace && c !== Ch.LBracket) || isCompleteValue(line)) return true;
      first = false;
    } else if (isCompleteValue(line)) {
      complete++;
    }
  }
  return complete >= 2;
}

/** True when `text` holds one balanced JSON object or array (strings respected). */
function isCompleteValue(text: string): boolean {
  let depth = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) {
      i = skipString(text, i + 1);
      if (i < 0) return false;
      continue;
    }
    if (c === Ch.LBrace || c === Ch.LBracket) depth++;
    else if (c === Ch.RBrace || c === Ch.RBracket) {
      depth--;
      if (depth === 0) return text.slice(i + 1).trim() === '';
    }
    i++;
  }
  return false;
}

/** Index just past the closing quote of a string whose body starts at `from`, or -1 if not closed. */
function skipString(text: string, from: number): number {
  let i = from;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    let bs = 0;
    for (let j = q - 1; j >= from && text.charCodeAt(j) === Ch.Backslash; j--) bs++;
    if ((bs & 1) === 0) return q + 1;
    i = q + 1;
  }
}

/** JSON lines: each line a record. */
export function createLineSplitter(limits: SplitterLimits = DEFAULT_LIMITS): Splitter {
  let pending = '';
  let line = 0; // lines completed so far
  let oversized = false; // the current line passed the limit: drop it until its newline

  function take(text: string, out: SplitItem[]): void {
    line++;
    if (oversized) {
      oversized = false;
      out.push(tooLarge(line, limits));
      return;
    }
    const t = text.length > 0 && text.charCodeAt(text.length - 1) === Ch.CR ? text.slice(0, -1) : text;
    if (t.length > limits.maxRecordChars) out.push(tooLarge(line, limits));
    else if (!isBlank(t)) out.push({ type: 'record', text: t, line });
  }

  return {
    push(chunk) {
      const out: SplitItem[] = [];
      let start = 0;
      let nl = chunk.indexOf('\n');
      while (nl >= 0) {
        const piece = chunk.slice(start, nl);
        take(pending === '' ? piece : pending + piece, out);
        pending = '';
        start = nl + 1;
        nl = chunk.indexOf('\n', start);
      }
      if (oversized) return out;
      const rest = chunk.slice(start);
      if (pending.length + rest.length > limits.maxRecordChars) {
        oversized = true;
        pending = '';
      } else {
        pending = pending === '' ? rest : pending + rest;
      }
      return out;
    },
    end() {
      const out: SplitItem[] = [];
      if (oversized || pending !== '') take(pending, out);
      pending = '';
      return out;
    },
  };
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

