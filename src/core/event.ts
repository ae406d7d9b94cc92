import type { Entity, Relation } from './entity.js';

/** The input formats Vigil decodes; also the `--format` names. */
export const SOURCE_KINDS = ['falco', 'tetragon', 'k8saudit', 'cloudtrail'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What `--format` accepts besides `auto`: the four sources, and Vigil's own normalized events. */
export const INPUT_FORMATS = [...SOURCE_KINDS, 'vigil'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Where a record came from: a file (or `-` for stdin, or an API request id) and its 1-based line. */
export interface Origin {
  readonly path: string;
  readonly line: number;
}

/**
 * The normalized event envelope: every source produces exactly this, and every later stage reads
 * only this. `payload` keeps the original record as parsed (never re-serialised on the hot path),
 * so source-specific fields (`ka.*`, `ct.*`, Tetragon args) stay reachable.
 */
export interface VigilEvent {
  /** Deterministic: the source's own id when it has one (CloudTrail eventID, audit auditID), else derived from content. */
  readonly id: string;
  readonly source: SourceKind;
  /** Source-specific record type: `alert`, `process_exec`, `audit`, CloudTrail `eventType`... */
  readonly kind: string;
  /** A short action name for timelines and indexes: `s3:GetObject`, `create pods`, `exec /bin/sh`. */
  readonly action: string;
  /** Event time, RFC 3339 UTC with the source's precision. */
  readonly time: string;
  /** Event time in epoch milliseconds (fractional below a millisecond). */
  readonly timeMs: number;
  /** When Vigil read the record, epoch milliseconds (from the injected clock). */
  readonly observedMs: number;
  readonly entities: readonly Entity[];
  readonly relations: readonly Relation[];
  readonly payload: unknown;
  readonly origin: Origin;
}

/** What decoding one record gives: an event, nothing (a tolerated non-event line), or an error. */
export type DecodeResult =
  | { readonly ok: true; readonly event: VigilEvent }
  | { readonly ok: false; readonly skip: true; readonly reason: string }
  | { readonly ok: false; readonly skip: false; readonly code: string; readonly message: string; readonly field?: string };
