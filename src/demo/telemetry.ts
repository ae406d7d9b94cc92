/**
 * A simulated environment's telemetry (the `vigil simulate` layout) read back as one list of
 * records in event-time order, each with the source it is ingested as, so the demo can send
 * them to a server as the agents would have, as time passes.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SourceKind } from '../core/event.js';
import { systemClock } from '../core/time.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';

export interface TimedRecord {
  readonly source: SourceKind;
  readonly timeMs: number;
  /** The record's JSON text, as the agent wrote it. */
  readonly text: string;
}

/** The simulator's folder per source. */
const FOLDERS: readonly (readonly [string, SourceKind])[] = [
  ['tetragon', 'tetragon'],
  ['falco', 'falco'],
  ['k8s-audit', 'k8saudit'],
  ['cloudtrail', 'cloudtrail'],
];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Every record under `telemetryDir`, sorted by event time (stable: a file's order is kept for ties). */
export async function loadTelemetry(telemetryDir: string): Promise<TimedRecord[]> {
  const records: TimedRecord[] = [];
  const out: Decoded[] = [];
  for (const [folder, source] of FOLDERS) {
    const decoder = createRecordDecoder({ decoders: builtinDecoders, format: source, clock: systemClock, withState: false });
    for (const file of await filesUnder(join(telemetryDir, folder))) {
      const texts: string[] = [];
      if (file.endsWith('.json.gz')) {
        const doc = JSON.parse(gunzipSync(await readFile(file)).toString('utf8')) as { Records?: unknown[] };
        for (const r of doc.Records ?? []) texts.push(JSON.stringify(r));
      } else if (file.endsWith('.jsonl')) {
        for (const line of (await readFile(file, 'utf8')).split('\n')) if (line.trim() !== '') texts.push(line);
      } else {
        continue;
      }
      texts.forEach((text, i) => {
        out.length = 0;
        decoder.decodeText(text, { path: file, line: i + 1 }, out);
        const d = out[0];
        // The simulator writes only valid records; one that does not decode would be refused by the server too.
        if (d?.type === 'event') records.push({ source, timeMs: d.event.timeMs, text });
      });
    }
  }
  return records.map((r, i) => ({ r, i })).sort((a, b) => a.r.timeMs - b.r.timeMs || a.i - b.i).map((x) => x.r);
}
