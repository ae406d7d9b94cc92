/**
 * Decodes files and directories into normalized events, streaming: records are read, cut,
 * parsed and decoded batch by batch, so memory stays flat whatever the input size.
 */

import type { SourceDecoder, SourceState } from '../core/decoder.js';
import type { RecordError } from '../core/errors.js';
import type { VigilEvent } from '../core/event.js';
import { systemClock, type Clock } from '../core/time.js';
import { builtinDecoders } from '../sources/index.js';
import { expandInputs, readInput, type SplitterLimits } from '../transports/file/index.js';
import { BATCH_RECORDS } from './batch.js';
import { mergeByTime } from './merge-time.js';
import { createRecordDecoder, type Decoded, type FormatOption, type RecordText } from './record-decoder.js';

export interface DecodeOptions {
  readonly format?: FormatOption;
  readonly decoders?: readonly SourceDecoder[];
  readonly clock?: Clock;
  readonly limits?: SplitterLimits;
  /** Per-run source states made by the caller (see RecordDecoderOptions.states). */
  readonly states?: ReadonlyMap<SourceDecoder, SourceState>;
  /**
   * `time`: several inputs are merged in event-time order (merge-time.ts), so results do not
   * depend on the order files are named or read in. Default: one file after the other.
   */
  readonly order?: 'files' | 'time';
}

/** Streams the outcomes of decoding every input under `paths`, batch by batch. */
export async function* decodeInputs(paths: readonly string[], options: DecodeOptions = {}): AsyncGenerator<Decoded[]> {
  const decoder = createRecordDecoder({
    decoders: options.decoders ?? builtinDecoders,
    format: options.format ?? 'auto',
    clock: options.clock ?? systemClock,
    ...(options.states === undefined ? {} : { states: options.states }),
  });
  const { files, problems } = await expandInputs(paths);
  if (problems.length > 0) {
    yield problems.map((p) => ({
      type: 'error',
      error: { input: p.path, line: 0, code: 'INPUT_UNREADABLE', message: `cannot read input: ${p.message}` },
    }));
  }
  const readOptions = options.limits === undefined ? {} : { limits: options.limits };
  const decodeFile = async function* (file: string): AsyncGenerator<Decoded[]> {
    for await (const items of readInput(file, readOptions)) {
      // A read chunk is decoded and handed on in batches of BATCH_RECORDS records (batch.ts), with
      // the reader's own errors in their place. Records are decoded together (decodeTexts), in
      // runs between those errors so that the outcomes keep the input's order.
      let out: Decoded[] = [];
      const run: RecordText[] = [];
      let records = 0;
      for (const item of items) {
        if (item.type === 'record') {
          run.push({ text: item.text, origin: { path: file, line: item.line } });
          if (++records < BATCH_RECORDS) continue;
          decoder.decodeTexts(run, out);
          run.length = 0;
          yield out;
          out = [];
          records = 0;
        } else {
          decoder.decodeTexts(run, out);
          run.length = 0;
          out.push({ type: 'error', error: { input: file, line: item.line, code: item.code, message: item.message } });
        }
      }
      decoder.decodeTexts(run, out);
      if (out.length > 0) yield out;
    }
  };
  if (options.order === 'time' && files.length > 1) {
    yield* mergeByTime(files.map((f) => decodeFile(f)));
    return;
  }
  for (const file of files) yield* decodeFile(file);
}

export interface DecodedFiles {
  readonly events: VigilEvent[];
  readonly errors: RecordError[];
  readonly skipped: number;
}

/** Decodes everything under `paths` into memory; for tests and small inputs. */
export async function decodeFiles(paths: readonly string[], options: DecodeOptions = {}): Promise<DecodedFiles> {
  const events: VigilEvent[] = [];
  const errors: RecordError[] = [];
  let skipped = 0;
  for await (const batch of decodeInputs(paths, options)) {
    for (const d of batch) {
      if (d.type === 'event') events.push(d.event);
      else if (d.type === 'error') errors.push(d.error);
      else skipped++;
    }
  }
  return { events, errors, skipped };
}
