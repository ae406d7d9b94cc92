import type { Entity, Relation } from './entity.js';
import type { ErrorCode } from './errors.js';

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
  | { readonly ok: false; readonly skip: false; readonly code: ErrorCode; readonly message: string; readonly field?: string };

/** What an event names: its entities and how they relate. */
export interface EntityGraph {
  readonly entities: readonly Entity[];
  readonly relations: readonly Relation[];
}

/** The envelope without its entities, which `createEvent` derives on first use. */
export type EventFields = Omit<VigilEvent, 'entities' | 'relations'>;

const NO_ENTITIES: EntityGraph = Object.freeze({ entities: Object.freeze([]), relations: Object.freeze([]) });

/**
 * An event whose entities are extracted from the payload on first read, then kept. Decoding
 * validates and places the record (id, time, kind, action) eagerly; entity extraction, the
 * costliest part of normalizing, is paid only for events a later stage looks at, which keeps
 * decoding close to the cost of `JSON.parse` itself.
 *
 * A class (not an object literal with getters, which V8 builds through a slow path costing more
 * than the rest of decoding): `entities` and `relations` are prototype getters, so spreading
 * such an event drops them (and `id`); use `toPlainEvent` for a copy. `JSON.stringify` includes them.
 */
class LazyEvent implements VigilEvent {
  readonly source: SourceKind;
  readonly kind: string;
  readonly action: string;
  readonly time: string;
  readonly timeMs: number;
  readonly observedMs: number;
  readonly payload: unknown;
  readonly origin: Origin;
  #extract: (() => EntityGraph) | undefined;
  #graph: EntityGraph | undefined;
  #id: string | undefined;
  #idOf: (() => string) | undefined;

  constructor(f: Omit<EventFields, 'id'>, extract: () => EntityGraph, id: string | (() => string)) {
    if (typeof id === 'string') this.#id = id;
    else this.#idOf = id;
    this.source = f.source;
    this.kind = f.kind;
    this.action = f.action;
    this.time = f.time;
    this.timeMs = f.timeMs;
    this.observedMs = f.observedMs;
    this.payload = f.payload;
    this.origin = f.origin;
    this.#extract = extract;
  }

  /** Computed on first read where the decoder gave a function: most events are never asked. */
  get id(): string {
    if (this.#id === undefined) {
      this.#id = (this.#idOf as () => string)();
      this.#idOf = undefined;
    }
    return this.#id;
  }

  get entities(): readonly Entity[] {
    return this.#load().entities;
  }

  get relations(): readonly Relation[] {
    return this.#load().relations;
  }

  #load(): EntityGraph {
    if (this.#graph === undefined) {
      // `extract` must not throw; if it does anyway (a bug), the event has no entities rather
      // than failing whoever reads them.
      try {
        this.#graph = (this.#extract as () => EntityGraph)();
      } catch {
        this.#graph = NO_ENTITIES;
      }
      this.#extract = undefined;
    }
    return this.#graph;
  }

  toJSON(): VigilEvent {
    return toPlainEvent(this);
  }
}

/** Builds an event whose entities and relations `extract` derives on first read (see LazyEvent). */
export function createEvent(fields: EventFields, extract: () => EntityGraph): VigilEvent {
  return new LazyEvent(fields, extract, fields.id);
}

/**
 * The same, with the id also derived on first read: for the highest-volume sources, whose id is
 * a hash over several members (the id is the same whenever it is computed).
 */
export function createEventWithLazyId(fields: Omit<EventFields, 'id'>, id: () => string, extract: () => EntityGraph): VigilEvent {
  return new LazyEvent(fields, extract, id);
}

/** A plain-object copy of an event, entities included, in the schema's member order. */
export function toPlainEvent(e: VigilEvent): VigilEvent {
  return {
    id: e.id,
    source: e.source,
    kind: e.kind,
    action: e.action,
    time: e.time,
    timeMs: e.timeMs,
    observedMs: e.observedMs,
    entities: e.entities,
    relations: e.relations,
    payload: e.payload,
    origin: e.origin,
  };
}
