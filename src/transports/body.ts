/**
 * Turns an ingestion request body into records: gzip undone, UTF-8 checked, then one JSON
 * document (an object, an array, a CloudTrail `{"Records": [...]}` file, an audit `EventList`)
 * or JSON lines, each line holding any of those. A body that is not JSON at all is refused as a
 * whole; in JSON lines, a bad line is a per-record error and the good lines around it are kept.
 */

import { gunzipSync } from 'node:zlib';
import { isObject } from '../core/json.js';

export interface BodyLimits {
  /** Bytes after gzip is undone. */
  readonly maxBytes: number;
  readonly maxRecords: number;
  /** Nesting of objects and arrays inside one record. */
  readonly maxDepth: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 16 * 1024 * 1024, maxRecords: 50_000, maxDepth: 64 };

/** Content types the ingestion endpoints take (parameters such as charset aside). */
export const INGEST_CONTENT_TYPES = ['application/json', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain'] as const;

export interface BodyRecord {
  readonly value: unknown;
  /** The record's own JSON text: the line itself for JSON lines, else made once here. */
  readonly text: string;
  /** 1-based line of the body it came from, for JSON lines. */
  readonly line?: number;
}

export interface RecordProblem {
  readonly index: number;
  readonly line?: number;
  readonly message: string;
}

export type BodyResult =
  | { readonly ok: true; readonly records: BodyRecord[]; readonly errors: RecordProblem[] }
  | { readonly ok: false; readonly status: 400 | 413 | 415; readonly message: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A body whose first this-many lines are all not JSON is not JSON lines: refused without reading on. */
const NOT_JSON_LINES_AFTER = 1000;

export function contentTypeAccepted(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (INGEST_CONTENT_TYPES as readonly string[]).includes(type);
}

export function parseBody(body: Buffer, encoding: string | undefined, limits: BodyLimits = DEFAULT_BODY_LIMITS): BodyResult {
  let bytes = body;
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') {
    try {
      bytes = gunzipSync(body, { maxOutputLength: limits.maxBytes });
    } catch (err) {
      const tooLarge = err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      return tooLarge
        ? { ok: false, status: 413, message: `body is larger than ${limits.maxBytes} bytes once decompressed` }
        : { ok: false, status: 400, message: `body is not valid gzip: ${String((err as Error).message)}` };
    }
  } else if (enc !== 'identity') {
    return { ok: false, status: 415, message: `Content-Encoding ${enc} is not supported (gzip or none)` };
  }
  if (bytes.length > limits.maxBytes) return { ok: false, status: 413, message: `body is larger than ${limits.maxBytes} bytes` };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, status: 400, message: 'body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, status: 400, message: 'body is empty' };

  const records: BodyRecord[] = [];
  const errors: RecordProblem[] = [];
  let whole: unknown;
  let parsed = false;
  try {
    whole = JSON.parse(text);
    parsed = true;
  } catch (err) {
    // Not one document: JSON lines, unless it is a single line (then it is simply malformed).
    if (!/\n\s*\S/.test(text.trim())) return { ok: false, status: 400, message: `body is not valid JSON: ${String((err as Error).message)}` };
  }
  if (parsed) {
    const count = itemsOf(whole)?.length ?? 1;
    if (count > limits.maxRecords) return { ok: false, status: 413, message: `body holds ${count} records; at most ${limits.maxRecords} per request` };
    const problem = expand(whole, text, undefined, records, errors, limits);
    if (problem !== undefined) return { ok: false, status: 400, message: problem };
  } else {
    // Line by line without splitting the whole body first, stopping as soon as a limit is
    // passed: a small gzip body can hold millions of short lines.
    let parsedLines = 0;
    let tried = 0;
    let lineNo = 0;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      lineNo++;
      const line = text.slice(start, end).replace(/\r$/, '');
      start = end + 1;
      if (line.trim() === '') continue;
      if (records.length + errors.length >= limits.maxRecords) {
        return { ok: false, status: 413, message: `body holds more than ${limits.maxRecords} records; at most ${limits.maxRecords} per request` };
      }
      tried++;
      if (parsedLines === 0 && tried >= NOT_JSON_LINES_AFTER) break;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        errors.push({ index: records.length + errors.length, line: lineNo, message: `invalid JSON on line ${lineNo}: ${String((err as Error).message)}` });
        continue;
      }
      parsedLines++;
      const problem = expand(value, line, lineNo, records, errors, limits);
      if (problem !== undefined) errors.push({ index: records.length + errors.length, line: lineNo, message: problem });
    }
    if (parsedLines === 0) return { ok: false, status: 400, message: 'body is neither JSON nor JSON lines: no line parses' };
  }
  if (records.length + errors.length > limits.maxRecords) {
    return { ok: false, status: 413, message: `body holds ${records.length + errors.length} records; at most ${limits.maxRecords} per request` };
  }
  return { ok: true, records, errors };
}

/** Adds the records a parsed value holds; a message when the value cannot hold records at all. */
function expand(value: unknown, text: string, line: number | undefined, records: BodyRecord[], errors: RecordProblem[], limits: BodyLimits): string | undefined {
  const items = itemsOf(value);
  if (items === undefined) {
    if (!isObject(value)) return `a record must be a JSON object, not ${value === null ? 'null' : typeof value}`;
    add(value, text, line, records, errors, limits);
    return undefined;
  }
  if (items.length > limits.maxRecords) return `holds ${items.length} records; at most ${limits.maxRecords} per request`;
  for (const item of items) {
    if (!isObject(item)) {
      errors.push({ index: records.length + errors.length, ...(line === undefined ? {} : { line }), message: `a record must be a JSON object, not ${Array.isArray(item) ? 'an array' : item === null ? 'null' : typeof item}` });
      continue;
    }
    if (depthOver(item, limits.maxDepth)) {
      errors.push({ index: records.length + errors.length, ...(line === undefined ? {} : { line }), message: `record is nested deeper than ${limits.maxDepth} levels` });
      continue;
    }
    records.push({ value: item, text: JSON.stringify(item), ...(line === undefined ? {} : { line }) });
  }
  return undefined;
}

/** The records a container holds (an array, a CloudTrail file, an EventList); undefined for a lone record. */
function itemsOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isObject(value) && Array.isArray(value['Records'])) return value['Records'] as unknown[];
  if (isObject(value) && value['kind'] === 'EventList' && Array.isArray(value['items'])) return value['items'] as unknown[];
  return undefined;
}

function add(value: Record<string, unknown>, text: string, line: number | undefined, records: BodyRecord[], errors: RecordProblem[], limits: BodyLimits): void {
  if (depthOver(value, limits.maxDepth)) {
    errors.push({ index: records.length + errors.length, ...(line === undefined ? {} : { line }), message: `record is nested deeper than ${limits.maxDepth} levels` });
    return;
  }
  records.push({ value, text: text.trim(), ...(line === undefined ? {} : { line }) });
}

/** Whether a value nests deeper than `max`: walked without recursion, so no depth can overflow the stack. */
export function depthOver(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) return true;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push([x, d + 1]);
    } else if (typeof v === 'object' && v !== null) {
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' && x !== null) stack.push([x, d + 1]);
      }
    }
  }
  return false;
}
