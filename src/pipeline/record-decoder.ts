/**
 * Turns cut records (text + position) into normalized events: parse, unwrap containers and
 * envelopes, pick the decoder (forced format, or detection per record with the file's last
 * format tried first), decode, and pass the event through its source's per-run state. Nothing
 * here throws for bad input: every problem becomes a RecordError with input, line and code.
 */

import type { SourceDecoder, SourceState, TextParser } from '../core/decoder.js';
import type { ErrorCode, RecordError } from '../core/errors.js';
import { messageOf } from '../core/errors.js';
import type { InputFormat, Origin, VigilEvent } from '../core/event.js';
import { isObject, type JsonObject } from '../core/json.js';
import type { Clock } from '../core/time.js';

export type FormatOption = InputFormat | 'auto';

/** One outcome of decoding. */
export type Decoded =
  | { readonly type: 'event'; readonly event: VigilEvent }
  | { readonly type: 'error'; readonly error: RecordError }
  | { readonly type: 'skip'; readonly origin: Origin; readonly reason: string };

export interface RecordDecoderOptions {
  readonly decoders: readonly SourceDecoder[];
  readonly format: FormatOption;
  readonly clock: Clock;
  /** Pass events through their sources' per-run state (default true; benchmarks turn it off). */
  readonly withState?: boolean;
  /**
   * Per-run states made by the caller (the Tetragon process tree, which the rules' ancestry
   * fields read); sources not named get their own.
   */
  readonly states?: ReadonlyMap<SourceDecoder, SourceState>;
}

/** A record's text and where it was found, for `decodeTexts`. */
export interface RecordText {
  readonly text: string;
  readonly origin: Origin;
}

/** Members under which other tools wrap a record: EventBridge `detail`, shippers' `log`, Falco docs' `alert`. */
const ENVELOPE_KEYS = ['detail', 'alert', 'log', 'event', 'record'] as const;

/**
 * Creates the decoder for one run. It keeps the per-source state (process tree...) for the run
 * and remembers the last format seen per input, so detection usually costs one check.
 */
export function createRecordDecoder(options: RecordDecoderOptions) {
  const { decoders, format, clock } = options;
  const forced = format === 'auto' ? undefined : decoders.find((d) => d.kind === format);
  if (format !== 'auto' && forced === undefined) throw new Error(`no decoder for format ${format}`);
  const states = new Map<SourceDecoder, SourceState | undefined>();
  const lastByInput = new Map<string, SourceDecoder>();
  // Sources' own parsers for their record text (forced format: that source's only).
  const parsers: TextParser[] = [];
  for (const d of forced === undefined ? decoders : [forced]) {
    const p = d.createParser?.();
    if (p !== undefined) parsers.push(p);
  }

  // The last decoder's state, kept apart: a run of records is almost always of one source.
  let lastDecoder: SourceDecoder | undefined;
  let lastState: SourceState | undefined;

  function stateOf(d: SourceDecoder): SourceState | undefined {
    if (options.withState === false) return undefined;
    if (d === lastDecoder) return lastState;
    if (!states.has(d)) states.set(d, options.states?.get(d) ?? d.createState?.());
    lastDecoder = d;
    lastState = states.get(d);
    return lastState;
  }

  function pick(record: JsonObject, input: string): SourceDecoder | undefined {
    if (forced !== undefined) return forced.detect(record) ? forced : undefined;
    const last = lastByInput.get(input);
    if (last !== undefined && last.detect(record)) return last;
    for (const d of decoders) {
      if (d !== last && d.detect(record)) {
        lastByInput.set(input, d);
        return d;
      }
    }
    return undefined;
  }

  function error(origin: Origin, code: ErrorCode, message: string, field?: string): Decoded {
    const e: RecordError = field === undefined
      ? { input: origin.path, line: origin.line, code, message }
      : { input: origin.path, line: origin.line, code, message, field };
    return { type: 'error', error: e };
  }

  function decodeObject(record: JsonObject, origin: Origin, out: Decoded[], observedMs: number): void {
    let target = record;
    let d = pick(record, origin.path);
    if (d === undefined) {
      for (const key of ENVELOPE_KEYS) {
        const inner = record[key];
        if (isObject(inner)) {
          d = pick(inner, origin.path);
          if (d !== undefined) {
            target = inner;
            break;
          }
        }
      }
    }
    // A forced format decodes whatever comes, so a broken record gets that format's precise error.
    d ??= forced;
    if (d === undefined) {
      out.push(error(origin, 'RECORD_UNRECOGNISED', 'record is not in any known format (falco, tetragon, k8saudit, cloudtrail, vigil)'));
      return;
    }
    let result;
    try {
      result = d.decode(target, { origin, observedMs });
    } catch (err) {
      out.push(error(origin, 'INTERNAL', `decoder ${d.kind} failed: ${messageOf(err)}`));
      return;
    }
    if (result.ok) {
      const state = stateOf(d);
      let event = result.event;
      if (state !== undefined) {
        try {
          event = state.observe(event);
        } catch (err) {
          out.push(error(origin, 'INTERNAL', `${d.kind} state failed: ${messageOf(err)}`));
          return;
        }
      }
      out.push({ type: 'event', event });
    } else if (result.skip) {
      out.push({ type: 'skip', origin, reason: result.reason });
    } else {
      out.push(error(origin, result.code, result.message, result.field));
    }
  }

  function decodeValue(value: unknown, origin: Origin, out: Decoded[], nested: boolean, observedMs: number): void {
    if (Array.isArray(value)) {
      if (nested) {
        out.push(error(origin, 'RECORD_NOT_OBJECT', 'record is an array nested inside an array'));
        return;
      }
      for (const v of value) decodeValue(v, origin, out, true, observedMs);
      return;
    }
    if (!isObject(value)) {
      out.push(error(origin, 'RECORD_NOT_OBJECT', `record is a ${value === null ? 'null' : typeof value}, not a JSON object`));
      return;
    }
    // A whole CloudTrail file or EventList on one line of a JSON-lines input.
    const records = value['Records'];
    if (Array.isArray(records)) return decodeValue(records, origin, out, false, observedMs);
    const items = value['items'];
    if (value['kind'] === 'EventList' && Array.isArray(items)) return decodeValue(items, origin, out, false, observedMs);
    decodeObject(value, origin, out, observedMs);
  }

  /** The parse of a record's text, or the error that words why it is not JSON. */
  function parse(text: string, origin: Origin): { value: unknown } | Decoded {
    let value: unknown;
    try {
      for (let i = 0; i < parsers.length && value === undefined; i++) value = (parsers[i] as TextParser).parse(text);
    } catch {
      // A source's parser must not throw; if one does anyway (a bug), the plain parse decides.
      value = undefined;
    }
    if (value !== undefined) return { value };
    try {
      return { value: JSON.parse(text) as unknown };
    } catch (err) {
      return error(origin, 'JSON_SYNTAX', `invalid JSON: ${messageOf(err)}`);
    }
  }

  /** Parses of a batch (scratch, reused between batches). */
  const parsed: ({ value: unknown } | Decoded)[] = [];

  return {
    /** Decodes the record text found at `origin`, appending outcomes to `out`. */
    decodeText(text: string, origin: Origin, out: Decoded[]): void {
      const p = parse(text, origin);
      if ('value' in p) decodeValue(p.value, origin, out, false, clock.nowMs());
      else out.push(p);
    },
    /**
     * Decodes a batch of record texts, appending their outcomes to `out` in order, as
     * `decodeText` one by one would, except that the batch's records share one observation time
     * (the clock is read once). Every text is parsed before any is decoded: the parse of a
     * record does not depend on the decoding of the ones before it, and keeping one body of
     * code and state busy at a time was a few percent faster (docs/benchmarks.md).
     */
    decodeTexts(records: readonly RecordText[], out: Decoded[]): void {
      for (let i = 0; i < records.length; i++) {
        const r = records[i] as RecordText;
        parsed.push(parse(r.text, r.origin));
      }
      // One reading of the clock for the batch: its records are observed together.
      const observedMs = records.length === 0 ? 0 : clock.nowMs();
      for (let i = 0; i < records.length; i++) {
        const p = parsed[i] as { value: unknown } | Decoded;
        if ('value' in p) decodeValue(p.value, (records[i] as RecordText).origin, out, false, observedMs);
        else out.push(p);
      }
      parsed.length = 0;
    },
    /** Decodes an already parsed record (or container of records) found at `origin`. */
    decodeValue(value: unknown, origin: Origin, out: Decoded[]): void {
      decodeValue(value, origin, out, false, clock.nowMs());
    },
  };
}

export type RecordDecoder = ReturnType<typeof createRecordDecoder>;
