/**
 * The set of indicator feeds a run uses, from files or HTTP(S) URLs, refreshed on a schedule.
 * A refresh reads only what changed (a file's size and modification time, HTTP validators),
 * and a feed that cannot be read or parsed keeps its last good indicators: a broken download must
 * never silently disarm detection. The index is rebuilt when any feed changed.
 */

import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { messageOf } from '../core/errors.js';
import { FeedError, guessFormat, parseFeed, type FeedFormat, type FeedProblem } from './formats.js';
import { IndicatorIndex, type Indicator } from './indicators.js';

export interface FeedSource {
  /** Shown in signals (`intel feed`), default: the file or URL's last part. */
  readonly name?: string;
  /** A file path or an `http(s)://` URL. */
  readonly location: string;
  /** Default: guessed from the name and content (`.csv`, a STIX bundle, a MISP event, else plain). */
  readonly format?: FeedFormat;
  /** For indicators that state none (plain lists, CSV without the column). Default 60. */
  readonly confidence?: number;
  readonly labels?: readonly string[];
}

export interface FeedStatus {
  readonly name: string;
  readonly location: string;
  readonly format?: FeedFormat;
  /** Indicators in use (the last good load). */
  readonly indicators: number;
  /** Entries of the last good load that were not understood. */
  readonly problems: readonly FeedProblem[];
  /** Epoch ms of the last good load. */
  readonly loadedMs?: number;
  /** Why the last attempt failed, when it did (the previous indicators stay in use). */
  readonly error?: string;
}

interface FeedState {
  status: FeedStatus;
  indicators: Indicator[];
  /** What identifies the content last read: size and mtime, or HTTP validators. */
  version?: string;
}

export interface FeedSetOptions {
  /** Injected for tests and offline runs; default: global fetch. */
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

function nameOf(s: FeedSource): string {
  return s.name ?? basename(isUrl(s.location) ? new URL(s.location).pathname : s.location);
}

export class FeedSet {
  readonly #sources: readonly FeedSource[];
  readonly #states: FeedState[];
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #index = new IndicatorIndex();

  constructor(sources: readonly FeedSource[], options: FeedSetOptions = {}) {
    this.#sources = sources;
    this.#states = sources.map((s) => ({ status: { name: nameOf(s), location: s.location, indicators: 0, problems: [] }, indicators: [] }));
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
  }

  get index(): IndicatorIndex {
    return this.#index;
  }

  get status(): readonly FeedStatus[] {
    return this.#states.map((s) => s.status);
  }

  /** Reads every feed that changed; returns the statuses. Never throws for a feed's problem. */
  async refresh(): Promise<readonly FeedStatus[]> {
    let changed = false;
    for (let i = 0; i < this.#sources.length; i++) {
      if (await this.#refreshOne(this.#sources[i] as FeedSource, this.#states[i] as FeedState)) changed = true;
    }
    // Rebuilt whole: feeds change rarely, and lookups stay simple.
    if (changed) this.#index = new IndicatorIndex(this.#states.flatMap((s) => s.indicators));
    return this.status;
  }

  /** Refreshes every `intervalMs` until the returned function is called; the timer never keeps the process alive. */
  schedule(intervalMs: number, onRefresh?: (statuses: readonly FeedStatus[]) => void): () => void {
    const timer = setInterval(() => {
      void this.refresh().then((s) => onRefresh?.(s));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async #read(source: FeedSource, state: FeedState): Promise<{ text: string; version: string } | 'unchanged'> {
    if (isUrl(source.location)) {
      const headers: Record<string, string> = {};
      const [etag, modified] = (state.version ?? '').split('\n');
      if (etag) headers['if-none-match'] = etag;
      if (modified) headers['if-modified-since'] = modified;
      const res = await this.#fetch(source.location, { headers, signal: AbortSignal.timeout(30_000) });
      if (res.status === 304) return 'unchanged';
      if (!res.ok) throw new FeedError(`HTTP ${res.status} ${res.statusText}`);
      return { text: await res.text(), version: `${res.headers.get('etag') ?? ''}\n${res.headers.get('last-modified') ?? ''}` };
    }
    const st = await stat(source.location);
    const version = `${st.size}:${st.mtimeMs}`;
    if (version === state.version) return 'unchanged';
    return { text: await readFile(source.location, 'utf8'), version };
  }

  async #refreshOne(source: FeedSource, state: FeedState): Promise<boolean> {
    const name = state.status.name;
    try {
      const read = await this.#read(source, state);
      if (read === 'unchanged') return false;
      const format = source.format ?? guessFormat(source.location, read.text);
      const parsed = parseFeed(format, read.text, { feed: name, confidence: source.confidence ?? 60, labels: source.labels ?? [] });
      if (parsed.indicators.length === 0 && parsed.problems.length > 0) {
        throw new FeedError(`no indicator could be read (${parsed.problems.length} bad entries; first, ${parsed.problems[0]?.where}: ${parsed.problems[0]?.message})`);
      }
      state.indicators = parsed.indicators;
      state.version = read.version;
      state.status = { name, location: source.location, format, indicators: parsed.indicators.length, problems: parsed.problems, loadedMs: this.#now() };
      return true;
    } catch (err) {
      const s = state.status;
      state.status = {
        name: s.name, location: s.location, indicators: s.indicators, problems: s.problems,
        ...(s.format === undefined ? {} : { format: s.format }),
        ...(s.loadedMs === undefined ? {} : { loadedMs: s.loadedMs }),
        error: `${source.location}: ${messageOf(err)}${state.indicators.length > 0 ? `; keeping the ${state.indicators.length} indicators of the last good load` : ''}`,
      };
      return false;
    }
  }
}
