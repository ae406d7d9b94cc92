/**
 * `vigil serve --watch DIR`: a folder source for telemetry that lands as files: CloudTrail files
 * from an S3 sync (whole JSON documents, `.json` or `.json.gz`, taken once they stop changing)
 * and Tetragon export files (JSON lines, `.jsonl`, `.ndjson` or `.log`, tailed as they grow).
 *
 * The folder is scanned every second (polling works the same on every file system, network
 * mounts included). Each file's position is stored in the same transaction as the records read
 * from it, so after a crash or restart reading resumes exactly after what was stored: nothing is
 * lost or read twice. Files are known by device and inode, and tailed files also by a hash of
 * their first line: a log rotated by renaming (`.log.1`, `.log-20261129`) is finished under its
 * new name while the new file is read from its start; with copytruncate the copy is read on from
 * where the original was and the truncated original from its start; a file rewritten in place
 * (its first line changed) is read again from the start. A line longer than a read chunk (4 MiB)
 * cannot be a record: it is skipped with a warning and the lines after it are kept. Compressed
 * JSON-lines files (`.jsonl.gz`, `.log.1.gz`) are taken to be rotated copies of tailed files and
 * skipped.
 */

import { createHash } from 'node:crypto';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { messageOf } from '../core/errors.js';
import type { Store } from '../store/port.js';
import { parseBody, type BodyLimits } from '../transports/body.js';
import { OverloadError, type Ingestor } from './ingest.js';

export interface WatchLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface FileState {
  /** `dev:ino`: the file's identity across renames. */
  id: string;
  /** Tailed files: bytes read; whole documents: the size when taken. */
  offset: number;
  /** Tailed files: lines read so far, for error positions. */
  line: number;
  /** Whole documents: taken already (its mtime then). */
  doneMtimeMs?: number;
  /** Tailed files: a hash of the first line, to know the file again (a copy) or not (rewritten). */
  head?: string;
  /** Tailed files: inside a line too long to take; the rest of it is skipped. */
  skipping?: boolean;
}

/** The first line's hash of a tailed file (bytes up to the first newline, at most 4 KiB). */
async function headOf(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl < 0 && bytesRead < buf.length) return undefined;
    return createHash('sha1').update(buf.subarray(0, nl < 0 ? bytesRead : nl)).digest('hex');
  } finally {
    await handle.close();
  }
}

interface Seen {
  readonly path: string;
  readonly id: string;
  readonly size: number;
  readonly mtimeMs: number;
}

type Kind = 'document' | 'lines';

export interface WatchOptions {
  readonly intervalMs?: number;
  /** A whole document is taken once unchanged for this long. */
  readonly settleMs?: number;
  /** Bytes read from one tailed file per scan. */
  readonly chunkBytes?: number;
  readonly limits: BodyLimits;
}

/** How many scans a taken, unchanged document waits before it is looked at again. */
const RECHECK_DONE = 60;

export function kindOf(name: string): Kind | undefined {
  const lower = name.toLowerCase();
  // Rotated copies keep being JSON lines (`tetragon.log.1`, logrotate's `tetragon.log-20261129`),
  // unless compressed (`.log.1.gz`, skipped: see above).
  const n = lower.endsWith('.gz') ? lower : lower.replace(/\.(jsonl|ndjson|log)[.-][\w-]+$/, '.$1');
  if (n.endsWith('.json') || n.endsWith('.json.gz')) return 'document';
  if (n.endsWith('.jsonl') || n.endsWith('.ndjson') || n.endsWith('.log')) return 'lines';
  return undefined;
}

export class Watcher {
  readonly #dirs: readonly string[];
  readonly #ingestor: Ingestor;
  readonly #store: Store;
  readonly #log: WatchLog;
  readonly #options: Required<Omit<WatchOptions, 'limits'>> & { limits: BodyLimits };
  readonly #states = new Map<string, FileState>();
  /** States of files whose name now holds another file, by identity: they may turn up renamed. */
  readonly #retired = new Map<string, FileState>();
  /** Size and mtime at the previous scan, to tell when a document stopped changing. */
  readonly #previous = new Map<string, { size: number; mtimeMs: number }>();
  /** Documents taken and unchanged since: checked again only every `RECHECK_DONE` scans. */
  readonly #done = new Set<string>();
  #scans = 0;
  #timer: NodeJS.Timeout | undefined;
  #scanning: Promise<void> | undefined;
  readonly counts = { files: 0, records: 0, rejected: 0 };

  constructor(dirs: readonly string[], ingestor: Ingestor, store: Store, log: WatchLog, options: WatchOptions) {
    this.#dirs = dirs.map((d) => resolve(d));
    this.#ingestor = ingestor;
    this.#store = store;
    this.#log = log;
    this.#options = { intervalMs: 1000, settleMs: 2000, chunkBytes: 4 * 1024 * 1024, ...options };
  }

  start(): void {
    const tick = (): void => {
      this.#scanning ??= this.scan().finally(() => {
        this.#scanning = undefined;
      });
    };
    tick();
    this.#timer = setInterval(tick, this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#scanning;
  }

  /** One pass over the folders: everything new is stored before it resolves. */
  async scan(): Promise<void> {
    const seen: Seen[] = [];
    // A CloudTrail sync folder gains thousands of files a day that never change once taken:
    // they are not looked at again every second.
    const recheck = this.#scans++ % RECHECK_DONE === 0;
    // Rebuilt on each full pass, so deleted files leave it.
    if (recheck) this.#done.clear();
    for (const dir of this.#dirs) {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true, recursive: true });
      } catch (err) {
        this.#log.error({ dir }, `cannot read the watched folder: ${messageOf(err)}`);
        continue;
      }
      for (const e of entries) {
        if (!e.isFile() || kindOf(e.name) === undefined) continue;
        const path = join(e.parentPath, e.name);
        if (!recheck && this.#done.has(path)) continue;
        try {
          const st = await stat(path, { bigint: true });
          seen.push({ path, id: `${st.dev}:${st.ino}`, size: Number(st.size), mtimeMs: Number(st.mtimeMs) });
        } catch {
          // Gone between listing and stat: seen next time, if it comes back.
        }
      }
    }
    seen.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
    // States whose name now holds another file (or nothing): the file they describe may have
    // been renamed (rotation), and is recognised by its identity under the new name.
    const present = new Map(seen.map((f) => [f.path, f.id]));
    if (!recheck) for (const path of this.#done) present.set(path, this.#states.get(path)?.id ?? '');
    for (const f of seen) await this.#state(f.path);
    for (const [path, st] of this.#states) {
      if (present.has(path)) continue;
      // Gone (renamed or deleted): remembered by identity for a while, in case it turns up.
      this.#retire(st);
      this.#states.delete(path);
      this.#previous.delete(path);
    }
    const moved = new Map<string, FileState>(this.#retired);
    for (const [path, st] of this.#states) if (present.get(path) !== st.id) moved.set(st.id, st);
    for (const f of seen) {
      try {
        const more = await this.#take(f, moved);
        if (!more) return;
      } catch (err) {
        this.#log.error({ file: f.path }, `reading a watched file failed: ${messageOf(err)}`);
      }
    }
  }

  async #state(path: string): Promise<FileState | undefined> {
    let s = this.#states.get(path);
    if (s === undefined) {
      const stored = await this.#store.getValue(`watch:${path}`);
      if (stored !== undefined) {
        s = JSON.parse(stored) as FileState;
        this.#states.set(path, s);
      }
    }
    return s;
  }

  #retire(state: FileState): void {
    this.#retired.set(state.id, state);
    // Rotated files that were deleted never turn up: keep the most recent few hundred.
    if (this.#retired.size > 500) this.#retired.delete(this.#retired.keys().next().value as string);
  }

  /**
   * A new tailed file that is a copy of one already read (logrotate's copytruncate): the state
   * of a file with the same first line, which is then read on from where that one was.
   */
  #copyOf(head: string | undefined, self: string): FileState | undefined {
    if (head === undefined) return undefined;
    for (const [path, st] of this.#states) if (path !== self && st.head === head && st.offset > 0) return st;
    for (const st of this.#retired.values()) if (st.head === head && st.offset > 0) return st;
    return undefined;
  }

  /** Reads what is new in one file; false when the service is overloaded (try later). */
  async #take(f: Seen, moved: Map<string, FileState>): Promise<boolean> {
    const kind = kindOf(f.path) as Kind;
    let state = this.#states.get(f.path);
    // Another file under a known name: a new file, unless it is one we knew under another name.
    if (state !== undefined && state.id !== f.id) {
      this.#retire(state);
      state = undefined;
    }
    if (state === undefined && kind === 'lines') {
      const known = moved.get(f.id);
      if (known !== undefined) {
        moved.delete(f.id);
        this.#retired.delete(f.id);
        state = { ...known };
        // Kept under the new name at once: it may hold nothing new to store it with, and after
        // a restart it must not look like a new file.
        await this.#store.setValue(`watch:${f.path}`, JSON.stringify(state));
        this.#states.set(f.path, state);
      }
    }
    if (kind === 'document') return this.#takeDocument(f, state);
    return this.#takeLines(f, state ?? { id: f.id, offset: 0, line: 0 });
  }

  async #takeDocument(f: Seen, state: FileState | undefined): Promise<boolean> {
    const prev = this.#previous.get(f.path);
    this.#previous.set(f.path, { size: f.size, mtimeMs: f.mtimeMs });
    if (state !== undefined && state.id === f.id && state.doneMtimeMs === f.mtimeMs && state.offset === f.size) {
      this.#done.add(f.path);
      return true;
    }
    this.#done.delete(f.path);
    // Still being written: wait until it stops changing.
    if (prev === undefined || prev.size !== f.size || prev.mtimeMs !== f.mtimeMs || Date.now() - f.mtimeMs < this.#options.settleMs) return true;
    if (state !== undefined && state.id === f.id) this.#log.warn({ file: f.path }, 'a watched document changed after it was read; reading it again');
    const body = await readFile(f.path);
    const parsed = parseBody(body, f.path.toLowerCase().endsWith('.gz') ? 'gzip' : undefined, this.#options.limits);
    const next: FileState = { id: f.id, offset: f.size, line: 0, doneMtimeMs: f.mtimeMs };
    if (!parsed.ok) {
      this.#log.error({ file: f.path }, `not taken: ${parsed.message}`);
      await this.#store.setValue(`watch:${f.path}`, JSON.stringify(next));
      this.#states.set(f.path, next);
      return true;
    }
    return this.#ingest(f.path, parsed.records, parsed.errors, next);
  }

  async #takeLines(f: Seen, known: FileState): Promise<boolean> {
    let state = known;
    if (f.size === state.offset) return true;
    const head = await headOf(f.path);
    if (state.offset === 0 && state.head === undefined) {
      // New to us: unless it is a copy of a file read already (copytruncate), from its start.
      const copy = this.#copyOf(head, f.path);
      if (copy !== undefined) {
        this.#log.info({ file: f.path }, 'a copy of a file read already: reading on from where that one was');
        state = { id: f.id, offset: Math.min(copy.offset, f.size), line: copy.line, ...(head === undefined ? {} : { head }) };
      }
    } else if (f.size < state.offset || (state.head !== undefined && head !== undefined && head !== state.head)) {
      // Truncated, or rewritten since (its first line changed): read again from the start; what
      // it held is remembered in case a copy of it turns up.
      this.#retire({ ...state, id: `truncated:${f.id}:${state.offset}` });
      state = { id: f.id, offset: 0, line: 0 };
    }
    if (f.size <= state.offset) {
      this.#states.set(f.path, state);
      return true;
    }
    const from = state.offset;
    const length = Math.min(f.size - from, this.#options.chunkBytes);
    const buf = Buffer.alloc(length);
    const handle = await open(f.path, 'r');
    try {
      await handle.read(buf, 0, length, from);
    } finally {
      await handle.close();
    }
    let start = 0;
    if (state.skipping === true) {
      // The rest of a line too long to take.
      const nl = buf.indexOf(0x0a);
      if (nl < 0) return this.#ingest(f.path, [], [], { ...state, id: f.id, offset: from + length });
      start = nl + 1;
    }
    // Only whole lines: the last one may still be being written.
    const end = buf.lastIndexOf(0x0a) + 1;
    if (end <= start) {
      if (length < this.#options.chunkBytes) return true;
      // A whole chunk without a line end: a line longer than any record; skipped, with a note.
      this.#log.warn({ file: f.path, line: state.line + 1 }, `a line longer than ${this.#options.chunkBytes} bytes; skipped`);
      return this.#ingest(f.path, [], [], { ...state, id: f.id, offset: from + length, skipping: true, ...(head === undefined ? {} : { head }) });
    }
    const lines = buf.subarray(start, end).toString('utf8').split('\n');
    const startLine = state.skipping === true ? state.line + 1 : state.line;
    const records = [];
    const problems = [];
    for (let i = 0; i < lines.length; i++) {
      const text = (lines[i] as string).replace(/\r$/, '');
      if (text.trim() === '') continue;
      const one = parseBody(Buffer.from(text), undefined, this.#options.limits);
      const line = startLine + i + 1;
      if (!one.ok) {
        problems.push({ index: records.length + problems.length, line, message: one.message });
        continue;
      }
      for (const r of one.records) records.push({ ...r, line });
      for (const p of one.errors) problems.push({ ...p, index: records.length + problems.length, line });
    }
    const next: FileState = { id: f.id, offset: from + end, line: startLine + lines.length - 1, ...(head === undefined ? {} : { head }) };
    return this.#ingest(f.path, records, problems, next);
  }

  async #ingest(path: string, records: Parameters<Ingestor['ingest']>[1], problems: Parameters<Ingestor['ingest']>[2], next: FileState): Promise<boolean> {
    try {
      const r = await this.#ingestor.ingest('auto', records, problems, { [`watch:${path}`]: JSON.stringify(next) });
      this.#states.set(path, next);
      this.counts.records += r.accepted;
      this.counts.rejected += r.rejected;
      for (const e of r.errors.slice(0, 5)) this.#log.warn({ file: path, line: e.line }, `record not taken: ${e.message}`);
      if (r.errors.length > 5) this.#log.warn({ file: path }, `… and ${r.errors.length - 5} more records not taken`);
      return true;
    } catch (err) {
      if (err instanceof OverloadError) return false;
      throw err;
    }
  }
}
