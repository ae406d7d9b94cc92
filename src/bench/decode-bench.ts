/**
 * `vigil bench decode`: decoding throughput against plain `JSON.parse` over the same lines.
 * The figure of merit is the ratio of the rates (target ≥ 0.70): decoding must cost little beyond
 * the parse every consumer of JSON pays anyway. Three stages are timed separately, each over the
 * same in-memory lines, best of N rounds:
 * - decode: parse, detect the format, validate and place the record (id, time, kind, action);
 * - + entities: also extract every event's entities and relations (which events otherwise do
 *   on first use);
 * - + state: also pass events through the sources' per-run state (the Tetragon process tree).
 * Then the whole path from a file on disk: read, cut, parse, decode, state.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../core/time.js';
import { decodeInputs } from '../pipeline/decode-files.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';

export interface Rate {
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  /** This rate over JSON.parse's. */
  ratio: number;
}

export interface DecodeBenchResult {
  records: number;
  bytes: number;
  rounds: number;
  events: number;
  errors: number;
  skipped: number;
  jsonParse: Rate;
  decode: Rate;
  decodeEntities: Rate;
  decodeEntitiesState: Rate;
  file: Rate;
  heapUsedMb: number;
}

/**
 * Best time in seconds of each function over `rounds` rounds, the functions taking turns within
 * each round so that drift in the machine's speed (other load, frequency) hits them alike.
 */
function bestOfRounds(rounds: number, fns: readonly (() => void)[]): number[] {
  const min = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      fn();
      min[i] = Math.min(min[i] as number, performance.now() - t0);
    });
  }
  return min.map((ms) => ms / 1000);
}

type Stage = { entities: boolean; state: boolean };

/** Decodes every line once; returns [events, rejected, skipped]. Outcomes are dropped in small batches, as a pipeline hands them on. */
function decodeAll(lines: readonly string[], streams: readonly string[], stage: Stage): [number, number, number] {
  const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, withState: stage.state });
  const out: Decoded[] = [];
  let events = 0;
  let errors = 0;
  let skipped = 0;
  const drain = () => {
    for (const d of out) {
      if (d.type === 'event') {
        events++;
        if (stage.entities && d.event.entities.length < 0) errors = -1;
      } else if (d.type === 'error') errors++;
      else skipped++;
    }
    out.length = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    decoder.decodeText(lines[i] as string, { path: streams[i] as string, line: i + 1 }, out);
    if (out.length >= 64) drain();
  }
  drain();
  return [events, errors, skipped];
}

/**
 * Times the stages over `lines`; `streams[i]` names the input line i comes from (records of one
 * input usually share a format, which detection exploits).
 */
export async function benchDecode(lines: readonly string[], streams: readonly string[], rounds: number): Promise<DecodeBenchResult> {
  const n = lines.length;
  const bytes = lines.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0);
  const rate = (seconds: number, base = seconds): Rate => ({ seconds, recordsPerSec: n / seconds, mbPerSec: bytes / 1e6 / seconds, ratio: base / seconds });
  let sink = 0;
  const parseAll = () => {
    for (const l of lines) sink += (JSON.parse(l) as object) === null ? 0 : 1;
  };
  const stages: Stage[] = [
    { entities: false, state: false },
    { entities: true, state: false },
    { entities: true, state: true },
  ];
  // Warm every path up so the JIT has compiled them before timing.
  parseAll();
  const [events, errors, skipped] = decodeAll(lines, streams, stages[2] as Stage);
  for (const s of stages.slice(0, 2)) decodeAll(lines, streams, s);
  const [parseSec = 0, ...stageSec] = bestOfRounds(rounds, [parseAll, ...stages.map((s) => () => decodeAll(lines, streams, s))]);

  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
  let fileSec: number;
  try {
    const file = join(dir, 'workload.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    fileSec = Infinity;
    for (let round = 0; round < Math.min(rounds, 3); round++) {
      const t0 = performance.now();
      let fileEvents = 0;
      for await (const batch of decodeInputs([file])) for (const d of batch) if (d.type === 'event' && d.event.entities.length >= 0) fileEvents++;
      fileSec = Math.min(fileSec, (performance.now() - t0) / 1000);
      if (fileEvents !== events) throw new Error(`file decode gave ${fileEvents} events, in-memory ${events}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (sink < 0) throw new Error('unreachable');
  return {
    records: n,
    bytes,
    rounds,
    events,
    errors,
    skipped,
    jsonParse: rate(parseSec),
    decode: rate(stageSec[0] as number, parseSec),
    decodeEntities: rate(stageSec[1] as number, parseSec),
    decodeEntitiesState: rate(stageSec[2] as number, parseSec),
    file: rate(fileSec, parseSec),
    heapUsedMb: process.memoryUsage().heapUsed / 1e6,
  };
}
