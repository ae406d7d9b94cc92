import type { DecodeResult, InputFormat, Origin, VigilEvent } from './event.js';
import type { ErrorCode } from './errors.js';
import type { JsonObject } from './json.js';

/** What a decoder gets besides the record. */
export interface DecodeContext {
  readonly origin: Origin;
  /** When the record was read (epoch ms), from the injected clock. */
  readonly observedMs: number;
}

/**
 * One input format: recognises its records and normalizes them. Decoders are stateless and
 * synchronous (the hot path); stateful enrichment such as the process tree happens after them.
 */
export interface SourceDecoder {
  /** The format it reads; for the four sources this is also the events' `source`. */
  readonly kind: InputFormat;
  /**
   * A cheap shape test on a parsed object, used by auto-detection. It must not accept another
   * format's records: detectors are tried in the order of the registration list.
   */
  detect(record: JsonObject): boolean;
  /** Normalizes one parsed record. Must not throw; the caller guards anyway. */
  decode(record: JsonObject, ctx: DecodeContext): DecodeResult;
  /** Creates the per-run state of this source, for sources that keep one. */
  createState?(): SourceState;
  /**
   * Creates a per-run parser for this source's record text, for sources whose records repeat
   * large parts that can be parsed once (Tetragon's process descriptions).
   */
  createParser?(): TextParser;
}

/**
 * A source's own parser for record text: what `JSON.parse` would give, or undefined for text it
 * does not take (another source's, or anything unusual), which then gets the plain parse. Never
 * throws.
 */
export interface TextParser {
  parse(text: string): unknown;
}

/** Shorthand for decoders: a rejected record. */
export function reject(code: ErrorCode, message: string, field?: string): DecodeResult {
  return field === undefined ? { ok: false, skip: false, code, message } : { ok: false, skip: false, code, message, field };
}

/** Shorthand for decoders: a record that is valid but not an event (e.g. a metrics snapshot). */
export function skip(reason: string): DecodeResult {
  return { ok: false, skip: true, reason };
}

/**
 * Per-run state a source keeps across its events (e.g. the Tetragon process table). The
 * pipeline creates one per run, feeds it every event of that source in order, and uses the
 * event it returns (possibly enriched with what the state knows).
 */
export interface SourceState {
  observe(event: VigilEvent): VigilEvent;
  /** Number of entries held, so state size is observable. */
  readonly size: number;
}
