/**
 * The live stream's hub: every new or changed signal, threat and attack becomes a message with an
 * increasing id, kept in a bounded ring so a client that reconnects with `Last-Event-ID` gets
 * what it missed. Ids start from the boot time (in microseconds), so they keep increasing across
 * restarts and an id from before a restart is recognised as older than the ring.
 */

export const STREAM_TYPES = ['signal', 'threat', 'attack'] as const;
export type StreamType = (typeof STREAM_TYPES)[number];

export interface StreamMessage {
  readonly id: number;
  readonly type: StreamType;
  /** The item's JSON text, made once for every subscriber. */
  readonly data: string;
}

export class Hub {
  readonly #capacity: number;
  readonly #ring: StreamMessage[] = [];
  readonly #subscribers = new Set<(m: StreamMessage) => void>();
  #nextId: number;
  readonly #firstId: number;

  constructor(options: { capacity?: number; bootMs?: number } = {}) {
    this.#capacity = options.capacity ?? 10_000;
    this.#nextId = Math.floor(options.bootMs ?? Date.now()) * 1000;
    this.#firstId = this.#nextId;
  }

  publish(type: StreamType, item: unknown): void {
    const m: StreamMessage = { id: this.#nextId++, type, data: JSON.stringify(item) };
    this.#ring.push(m);
    if (this.#ring.length > this.#capacity) this.#ring.splice(0, this.#ring.length - this.#capacity);
    for (const fn of this.#subscribers) fn(m);
  }

  /**
   * What a client resuming after `lastId` missed: the messages after it, or (when it is older
   * than the ring, from before a restart or too far behind) everything held and `gap: true`, so
   * the client knows to reload its lists.
   */
  since(lastId: number): { messages: StreamMessage[]; gap: boolean } {
    const first = this.#ring[0];
    if (first === undefined) return { messages: [], gap: lastId < this.#firstId };
    if (lastId >= first.id - 1) return { messages: this.#ring.filter((m) => m.id > lastId), gap: false };
    return { messages: [...this.#ring], gap: true };
  }

  subscribe(fn: (m: StreamMessage) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  get lastId(): number {
    return this.#nextId - 1;
  }
}
