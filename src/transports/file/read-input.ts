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
  let gzipped = false;
  let line = 0;
  try {
    const iterator = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await iterator.next();
    if (first.done === true) return;
    const head = first.value;
    gzipped = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    const source = gzipped ? gunzipFrom(head, iterator) : prepend(head, iterator);
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
      splitter ??= looksLikeJsonLines(text) ? createLineSplitter(limits) : createDocumentSplitter(limits);
      const items = splitter.push(text);
      if (items.length > 0) {
        line = items[items.length - 1]?.line ?? line;
        yield items;
      }
    }
    const rest = decoder.end();
    splitter ??= looksLikeJsonLines(rest) ? createLineSplitter(limits) : createDocumentSplitter(limits);
    const items = [...(rest === '' ? [] : splitter.push(rest)), ...splitter.end()];
    if (items.length > 0) yield items;
  } catch (err) {
    const pending = splitter?.end().filter((i) => i.type === 'record') ?? [];
    if (pending.length > 0) line = pending[pending.length - 1]?.line ?? line;
    yield [...pending, streamError(err, gzipped, line)];
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
