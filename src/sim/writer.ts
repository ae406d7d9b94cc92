/**
 * Streams simulated records to an output directory in the layout agents and AWS produce:
 *
 *   telemetry/tetragon/<node>.jsonl       one export per node's agent
 *   telemetry/falco/<node>.jsonl          one alert stream per node's Falco
 *   telemetry/k8s-audit/<stream>.jsonl    the API server's audit log
 *   telemetry/cloudtrail/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz
 *
 * CloudTrail delivers each record a few minutes late, in files of about five minutes whose
 * records are not in time order: the writer keeps the open delivery windows (a bounded number)
 * and writes a window once no later record can fall into it.
 */

import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFile } from 'node:fs/promises';
import type { Random } from '../core/random.js';
import type { SourceKind } from '../core/event.js';
import type { Emission } from './emit.js';

const DELIVERY_WINDOW_MS = 5 * 60_000;
/** CloudTrail's delivery delay range. */
export const MIN_DELIVERY_LAG_MS = 3 * 60_000;
export const MAX_DELIVERY_LAG_MS = 14 * 60_000;

/** Where one record landed: a JSON-lines file and line, or a CloudTrail file and index in `Records`. */
export interface RecordLocation {
  readonly source: SourceKind;
  /** Relative to the output directory, with `/`. */
  readonly file: string;
  readonly line?: number;
  readonly index?: number;
  /** CloudTrail: when the file was delivered (epoch ms). */
  readonly deliveredMs?: number;
}

export interface WrittenFile {
  readonly file: string;
  readonly source: SourceKind;
  readonly records: number;
  readonly bytes: number;
  readonly deliveredMs?: number;
}

interface LineFile {
  readonly file: string;
  readonly source: SourceKind;
  readonly stream: WriteStream;
  lines: number;
  bytes: number;
  pending: string[];
}

interface Window {
  readonly region: string;
  readonly endMs: number;
  readonly records: { readonly emission: Emission; readonly text: string; readonly onPlaced?: (loc: RecordLocation) => void }[];
}

/** Telemetry goes under one folder, so `vigil analyze DIR/telemetry` reads it all and nothing else. */
export const TELEMETRY_DIR = 'telemetry';
const DIRS: Readonly<Record<Exclude<SourceKind, 'cloudtrail'>, string>> = { tetragon: `${TELEMETRY_DIR}/tetragon`, falco: `${TELEMETRY_DIR}/falco`, k8saudit: `${TELEMETRY_DIR}/k8s-audit` };

function safeName(stream: string): string {
  return stream.replace(/[^A-Za-z0-9._-]/g, '_');
}

function stamp(ms: number): string {
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}Z`;
}

export class SimWriter {
  readonly #dir: string;
  readonly #random: Random;
  readonly #account: string;
  readonly #files = new Map<string, LineFile>();
  /** Open delivery windows by region and slot: a trail delivers each region's records to its own files. */
  readonly #windows = new Map<string, Window>();
  readonly #written: WrittenFile[] = [];
  #records = 0;

  constructor(dir: string, random: Random, account: string) {
    this.#dir = dir;
    this.#random = random.fork('delivery');
    this.#account = account;
    mkdirSync(dir, { recursive: true });
  }

  get records(): number {
    return this.#records;
  }

  /**
   * Adds one record; `onPlaced` learns where it landed (now for JSON lines, when its CloudTrail
   * file is written otherwise).
   */
  add(e: Emission, onPlaced?: (loc: RecordLocation) => void): void {
    this.#records++;
    const text = JSON.stringify(e.record);
    if (e.source === 'cloudtrail') {
      const delivered = e.timeMs + MIN_DELIVERY_LAG_MS + this.#random.next() * (MAX_DELIVERY_LAG_MS - MIN_DELIVERY_LAG_MS);
      const slot = Math.floor(delivered / DELIVERY_WINDOW_MS);
      const key = `${e.stream}\u0000${slot}`;
      let w = this.#windows.get(key);
      if (w === undefined) {
        w = { region: e.stream, endMs: (slot + 1) * DELIVERY_WINDOW_MS, records: [] };
        this.#windows.set(key, w);
      }
      w.records.push(onPlaced === undefined ? { emission: e, text } : { emission: e, text, onPlaced });
      return;
    }
    const file = `${DIRS[e.source]}/${safeName(e.stream)}.jsonl`;
    let f = this.#files.get(file);
    if (f === undefined) {
      const path = join(this.#dir, file);
      mkdirSync(dirname(path), { recursive: true });
      f = { file, source: e.source, stream: createWriteStream(path), lines: 0, bytes: 0, pending: [] };
      this.#files.set(file, f);
    }
    f.lines++;
    f.bytes += Buffer.byteLength(text) + 1;
    f.pending.push(text);
    onPlaced?.({ source: e.source, file, line: f.lines });
  }

  /** Writes what is buffered; CloudTrail windows that no record at or after `nowMs` can reach. */
  async flush(nowMs: number): Promise<void> {
    for (const f of this.#files.values()) {
      if (f.pending.length === 0) continue;
      const chunk = `${f.pending.join('\n')}\n`;
      f.pending = [];
      if (!f.stream.write(chunk)) await once(f.stream, 'drain');
    }
    const ready = [...this.#windows.entries()].filter(([, w]) => w.endMs <= nowMs + MIN_DELIVERY_LAG_MS).sort((a, b) => a[1].endMs - b[1].endMs || a[1].region.localeCompare(b[1].region));
    for (const [key, w] of ready) {
      this.#windows.delete(key);
      await this.#writeWindow(w);
    }
  }

  async #writeWindow(w: Window): Promise<void> {
    const region = w.region;
    const d = new Date(w.endMs).toISOString();
    const name = `${this.#account}_CloudTrail_${region}_${stamp(w.endMs)}_${this.#random.alnum(16)}.json.gz`;
    const file = `${TELEMETRY_DIR}/cloudtrail/AWSLogs/${this.#account}/CloudTrail/${region}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${name}`;
    const records = this.#random.shuffle([...w.records]);
    const body = `{"Records":[${records.map((x) => x.text).join(',')}]}`;
    const path = join(this.#dir, file);
    mkdirSync(dirname(path), { recursive: true });
    const gz = gzipSync(body);
    await writeFile(path, gz);
    records.forEach((x, index) => x.onPlaced?.({ source: 'cloudtrail', file, index, deliveredMs: w.endMs }));
    this.#written.push({ file, source: 'cloudtrail', records: records.length, bytes: gz.length, deliveredMs: w.endMs });
  }

  /** Writes everything left and closes the files; returns every file written. */
  async close(): Promise<WrittenFile[]> {
    await this.flush(Number.POSITIVE_INFINITY);
    for (const f of this.#files.values()) {
      f.stream.end();
      await once(f.stream, 'finish');
      this.#written.push({ file: f.file, source: f.source, records: f.lines, bytes: f.bytes });
    }
    return [...this.#written].sort((a, b) => a.file.localeCompare(b.file));
  }
}
