/**
 * `vigil bench decode`: decoding throughput against plain `JSON.parse` over the same lines. The
 * figure of merit is the ratio of the two rates (target ≥ 0.70): normalizing must cost little
 * beyond the parse every consumer of JSON pays anyway.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeFiles } from '../pipeline/decode-files.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import { systemClock } from '../core/time.js';

export interface DecodeBenchResult {
  records: number;
  bytes: number;
  rounds: number;
  jsonParse: { seconds: number; recordsPerSec: number; mbPerSec: number };
  decode: { seconds: number; recordsPerSec: number; mbPerSec: number; events: number; errors: number };
  /** decode rate / JSON.parse rate. */
  ratio: number;
  /** End to end from a file on disk: read, cut, parse, decode. */
  file: { seconds: number; recordsPerSec: number; mbPerSec: number };
  heapUsedMb: number;
}

function best(rounds: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min / 1000;
}

export async function benchDecode(lines: readonly string[], rounds: number): Promise<DecodeBenchResult> {
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  const mb = bytes / 1e6;
  let sink = 0;
  // Warm both paths up so the JIT has compiled them before timing.
  const warm = lines.slice(0, Math.min(lines.length, 20_000));
  for (const l of warm) sink += (JSON.parse(l) as object) === null ? 0 : 1;
  let events = 0;
  let errors = 0;
  const count = (out: readonly Decoded[]) => {
    for (const d of out) {
      if (d.type === 'event') events++;
      else errors++;
    }
  };
  const run = () => {
    const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock });
    const out: Decoded[] = [];
    events = 0;
    errors = 0;
    for (let i = 0; i < lines.length; i++) {
      decoder.decodeText(lines[i] as string, { path: 'bench', line: i + 1 }, out);
      if (out.length >= 1024) {
        count(out);
        out.length = 0;
      }
    }
    count(out);
  };
  run();
  const parseSec = best(rounds, () => {
    for (const l of lines) sink += (JSON.parse(l) as object) === null ? 0 : 1;
  });
  const decodeSec = best(rounds, run);

  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
  let fileSec: number;
  try {
    const file = join(dir, 'workload.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const t0 = performance.now();
    const r = await decodeFiles([file]);
    fileSec = (performance.now() - t0) / 1000;
    if (r.events.length !== events) throw new Error(`file decode gave ${r.events.length} events, in-memory ${events}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (sink < 0) throw new Error('unreachable');
  const n = lines.length;
  return {
    records: n,
    bytes,
    rounds,
    jsonParse: { seconds: parseSec, recordsPerSec: n / parseSec, mbPerSec: mb / parseSec },
    decode: { seconds: decodeSec, recordsPerSec: n / decodeSec, mbPerSec: mb / decodeSec, events, errors },
    ratio: parseSec / decodeSec,
    file: { seconds: fileSec, recordsPerSec: n / fileSec, mbPerSec: mb / fileSec },
    heapUsedMb: process.memoryUsage().heapUsed / 1e6,
  };
}
