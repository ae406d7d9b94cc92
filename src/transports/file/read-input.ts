/**
 * Reads one input (a file, or `-` for standard input) as a stream of records: gunzips when the
 * bytes say gzip (whatever the name), refuses binary data, decodes UTF-8 and cuts records with
 * the splitter. Yields batches (one per chunk) so the per-record cost stays low.
 */

import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { messageOf } from '../../core/errors.js';
import { createDocumentSplitter } from './document-splitter.js';
import { createLineSplitter, looksLikeJsonLines } from './line-splitter.js';
import { DEFAULT_LIMITS, type SplitItem, type Splitter, type SplitterLimits } from './split-types.js';

export interface ReadOptions {
  readonly limits?: SplitterLimits;
  /** Bytes per read; larger chunks mean fewer batches. */
  readonly chunkBytes?: number;
  /** For `-`: the stream to read instead of process.stdin (tests). */
  readonly stdin?: Readable;
}

/** Whole lines looked at before choosing between JSON lines and documents. */
const HEAD_LINES = 4;

/** How many leading bytes are checked for NUL to tell binary data from text. */
const SNIFF_BYTES = 8192;

/**
 * Reads `path` and yields the items found, batch by batch. Never throws for bad input: an
 * unreadable file, binary data or a corrupt gzip stream become `error` items (after whatever
 * records were read before the problem).
 */
export async function* readInput(path: string, options: ReadOptions = {}): AsyncGenerator<SplitItem[]> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const raw: Readable =
    path === '-' ? (options.stdin ?? process.stdin) : createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  let splitter: Splitter | undefined;
  const decoder = new StringDecoder('utf8');
  let sniffed = false;
  let head = '';
  let gzipped = false;
  let line = 0;
  try {
    const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await iterator.next();
    if (first.done === true) return;
    const firstChunk = first.value;
    gzipped = firstChunk.length >= 2 && firstChunk[0] === 0x1f && firstChunk[1] === 0x8b;
    const source = gzipped ? gunzipFrom(firstChunk, iterator) : prepend(firstChunk, iterator);
    for await (const chunk of source) {
      if (!sniffed) {
        sniffed = true;
        if (isBinary(chunk)) {
          yield [binaryError()];
          return;
        }
      }
      const text = decoder.write(chunk);
      if (text === '') continue;
      if (splitter === undefined) {
        // The mode is chosen from whole lines, so wait for a few (a gunzip chunk is only 16 KiB,
        // and one long first line must not make a JSON-lines file one long document).
        head += text;
        if (countNewlines(head, HEAD_LINES) < HEAD_LINES && head.length <= limits.maxRecordChars) continue;
        splitter = looksLikeJsonLines(head) ? createLineSplitter(limits) : createDocumentSplitter(limits);
      }
      const items = splitter.push(head === '' ? text : head);
      head = '';
      if (items.length > 0) {
        line = items[items.length - 1]?.line ?? line;
        yield items;
      }
    }
    const rest = head + decoder.end();
    splitter ??= looksLikeJsonLines(rest) ? createLineSplitter(limits) : createDocumentSplitter(limits);
    const items = [...(rest === '' ? [] : splitter.push(rest)), ...splitter.end()];
    if (items.length > 0) yield items;
  } catch (err) {
    // The text after the last whole record is a fragment of the damage, not a record of its own.
    yield [streamError(err, gzipped, line + 1)];
  } finally {
    raw.destroy();
  }
}

function streamError(err: unknown, gzipped: boolean, line: number): SplitItem {
  const code = (err as { code?: unknown }).code;
  if (gzipped && typeof code === 'string' && code.startsWith('Z_')) {
    return { type: 'error', code: 'INPUT_GZIP', message: `gzip data is corrupt or truncated (${messageOf(err)}); records before it were read`, line };
  }
  return { type: 'error', code: 'INPUT_UNREADABLE', message: `cannot read input: ${messageOf(err)}`, line: 0 };
}

/** Newlines in `text`, counting no further than `max`. */
function countNewlines(text: string, max: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && n < max; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function binaryError(): SplitItem {
  return { type: 'error', code: 'INPUT_BINARY', message: 'input is binary data, not JSON text (NUL bytes found)', line: 0 };
}

function isBinary(chunk: Buffer): boolean {
  const n = Math.min(chunk.length, SNIFF_BYTES);
  return chunk.subarray(0, n).includes(0);
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    const r = await rest.next();
    if (r.done === true) return;
    yield r.value;
  }
}

/** Gunzips the stream that starts with `head`; multi-member gzip (concatenated files) included. */
function gunzipFrom(head: Buffer, rest: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  const gunzip = createGunzip();
  void (async () => {
    try {
      gunzip.write(head);
      for (;;) {
        const r = await rest.next();
        if (r.done === true) break;
        if (!gunzip.write(r.value)) await new Promise<void>((resolve) => gunzip.once('drain', resolve));
      }
      gunzip.end();
    } catch (err) {
      gunzip.destroy(err instanceof Error ? err : new Error(messageOf(err)));
    }
  })();
  return gunzip;
}
