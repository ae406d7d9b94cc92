/**
 * The live stream (`GET /api/v1/stream`, server-sent events) read through fetch, so the token
 * goes in a header as for every other call (EventSource cannot send one). Reconnects with
 * `Last-Event-ID` after a drop; a `reset` (the server's ring no longer holds what was missed)
 * tells listeners to reload what they show.
 */
import type { Api } from './api.js';

export type LiveKind = 'signal' | 'threat' | 'attack' | 'reset';
export interface LiveMessage {
  readonly kind: LiveKind;
  readonly data: unknown;
}
type Listener = (m: LiveMessage) => void;

export class LiveStream {
  readonly #api: Api;
  readonly #listeners = new Set<Listener>();
  readonly #stateListeners = new Set<(connected: boolean) => void>();
  #abort: AbortController | undefined;
  #lastId: string | undefined;
  #connected = false;
  #stopped = true;

  constructor(api: Api) {
    this.#api = api;
  }

  get connected(): boolean {
    return this.#connected;
  }

  subscribe(l: Listener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  onState(l: (connected: boolean) => void): () => void {
    this.#stateListeners.add(l);
    return () => this.#stateListeners.delete(l);
  }

  /** Each start begins a run of its own: a loop whose run is over ends, whatever came after. */
  #run = 0;

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#loop(++this.#run);
  }

  stop(): void {
    this.#stopped = true;
    this.#run++;
    this.#abort?.abort();
  }

  #setConnected(c: boolean): void {
    if (c === this.#connected) return;
    this.#connected = c;
    for (const l of this.#stateListeners) l(c);
  }

  async #loop(run: number): Promise<void> {
    let delay = 1000;
    while (run === this.#run) {
      this.#abort = new AbortController();
      try {
        const res = await this.#api.raw('/api/v1/stream', {
          signal: this.#abort.signal,
          headers: { Accept: 'text/event-stream', ...(this.#lastId === undefined ? {} : { 'Last-Event-ID': this.#lastId }) },
        });
        if (res.status === 401) {
          this.#api.session.set(null);
          return;
        }
        if (!res.ok || res.body === null) throw new Error(`stream answered ${res.status}`);
        this.#setConnected(true);
        delay = 1000;
        await this.#read(res.body);
      } catch {
        // Dropped or refused: retried below.
      }
      if (run !== this.#run) return;
      this.#setConnected(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        this.#frame(frame);
      }
    }
  }

  #frame(frame: string): void {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (id !== undefined) this.#lastId = id;
    if (event !== 'signal' && event !== 'threat' && event !== 'attack' && event !== 'reset') return;
    let parsed: unknown;
    try {
      parsed = data.length === 0 ? undefined : JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    for (const l of this.#listeners) l({ kind: event, data: parsed });
  }
}
