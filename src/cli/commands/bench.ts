import { readFile } from 'node:fs/promises';
import { benchDecode } from '../../bench/decode-bench.js';
import { generateWorkload } from '../../bench/workload.js';
import { messageOf } from '../../core/errors.js';
import { benchPipelineCommand } from './bench-pipeline.js';
import { benchRulesCommand } from './bench-rules.js';
import { benchCorrelationCommand } from './bench-correlation.js';
import { benchIngestCommand } from './bench-ingest.js';
import { benchUiCommand } from './bench-ui.js';
import type { CliIo } from '../io.js';

const TARGETS = ['pipeline', 'decode', 'rules', 'correlation', 'ingest', 'ui'];

export interface BenchOptions {
  json?: boolean;
  records?: string;
  rounds?: string;
  input?: string[];
  syscallRules?: string[];
  k8sRules?: string[];
  case?: string;
  duration?: string;
  connections?: string;
  batch?: string;
}

export async function benchCommand(target: string, opts: BenchOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!TARGETS.includes(target)) {
    io.err(`vigil bench: unknown target "${target}" (known: ${TARGETS.join(', ')})\n`);
    return 2;
  }
  // The pipeline streams files, so its default workload is ten times the in-memory ones'.
  const records = Number(opts.records ?? (target === 'pipeline' ? '300000' : target === 'correlation' ? '1000000' : target === 'ingest' ? '200000' : target === 'ui' ? '10000' : '30000'));
  // The pipeline streams its files once per pass and round, so it takes fewer rounds by default.
  const rounds = Number(opts.rounds ?? (target === 'pipeline' ? '3' : '25'));
  if (!Number.isInteger(records) || records < 1 || !Number.isInteger(rounds) || rounds < 1) {
    io.err('vigil bench: --records and --rounds must be positive integers\n');
    return 2;
  }
  if (target === 'rules') return benchRulesCommand(opts, records, rounds, io);
  if (target === 'pipeline') return benchPipelineCommand(opts, records, rounds, io);
  if (target === 'correlation') return benchCorrelationCommand(opts, records, io);
  if (target === 'ingest') return benchIngestCommand(opts, records, io);
  if (target === 'ui') return benchUiCommand(opts, records, env, io);
  let lines: string[];
  let streams: string[];
  try {
    if (opts.input === undefined) ({ lines, streams } = generateWorkload(records));
    else ({ lines, streams } = await readLines(opts.input));
  } catch (err) {
    io.err(`vigil bench: cannot read input: ${messageOf(err)}\n`);
    return 1;
  }
  if (!opts.json) io.err(`bench decode: ${lines.length} records, best of ${rounds} rounds…\n`);
  const r = await benchDecode(lines, streams, rounds);
  if (opts.json) {
    io.out(`${JSON.stringify({ target, ...r }, null, 2)}\n`);
  } else {
    const f = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
    const row = (name: string, x: { recordsPerSec: number; mbPerSec: number; ratio: number }, note = '') =>
      `${name.padEnd(22)}${f(x.recordsPerSec)} records/s ${x.mbPerSec.toFixed(0).padStart(5)} MB/s ${(x.ratio * 100).toFixed(1).padStart(6)}% of JSON.parse${note}`;
    io.out(
      [
        `records               ${r.records.toLocaleString('en-US')} (${(r.bytes / 1e6).toFixed(1)} MB; ${r.events} events, ${r.skipped} skipped, ${r.errors} rejected)`,
        row('JSON.parse', r.jsonParse),
        row('decode', r.decode, '  (target ≥ 70%)'),
        row(' + entities', r.decodeEntities),
        row(' + process tree', r.decodeEntitiesState),
        row('from file, end to end', r.file, '  (read, cut, parse, decode, entities, state)'),
        `heap used             ${r.heapUsedMb.toFixed(0)} MB`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

/** JSON lines from the given files (for benchmarking on real data); each file is a stream. */
async function readLines(paths: readonly string[]): Promise<{ lines: string[]; streams: string[] }> {
  const lines: string[] = [];
  const streams: string[] = [];
  for (const p of paths) {
    for (const l of (await readFile(p, 'utf8')).split('\n')) {
      if (l.trim() === '') continue;
      lines.push(l);
      streams.push(p);
    }
  }
  return { lines, streams };
}
