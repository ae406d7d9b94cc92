import { readFile } from 'node:fs/promises';
import { benchDecode } from '../../bench/decode-bench.js';
import { generateWorkload } from '../../bench/workload.js';
import { messageOf } from '../../core/errors.js';
import type { CliIo } from '../io.js';

const TARGETS = ['decode'];

export async function benchCommand(
  target: string,
  opts: { json?: boolean; records: string; rounds: string; input?: string[] },
  io: CliIo,
): Promise<number> {
  if (!TARGETS.includes(target)) {
    io.err(`vigil bench: unknown target "${target}" (known: ${TARGETS.join(', ')})\n`);
    return 2;
  }
  const records = Number(opts.records);
  const rounds = Number(opts.rounds);
  if (!Number.isInteger(records) || records < 1 || !Number.isInteger(rounds) || rounds < 1) {
    io.err('vigil bench: --records and --rounds must be positive integers\n');
    return 2;
  }
  let lines: string[];
  try {
    lines = opts.input === undefined ? generateWorkload(records) : await readLines(opts.input);
  } catch (err) {
    io.err(`vigil bench: cannot read input: ${messageOf(err)}\n`);
    return 1;
  }
  if (!opts.json) io.err(`bench decode: ${lines.length} records, best of ${rounds} rounds…\n`);
  const r = await benchDecode(lines, rounds);
  if (opts.json) {
    io.out(`${JSON.stringify({ target, ...r }, null, 2)}\n`);
  } else {
    const f = (x: number) => Math.round(x).toLocaleString('en-US');
    io.out(
      [
        `records          ${f(r.records)} (${(r.bytes / 1e6).toFixed(1)} MB)`,
        `JSON.parse       ${f(r.jsonParse.recordsPerSec)} records/s  ${r.jsonParse.mbPerSec.toFixed(0)} MB/s`,
        `decode           ${f(r.decode.recordsPerSec)} records/s  ${r.decode.mbPerSec.toFixed(0)} MB/s  (${r.decode.events} events, ${r.decode.errors} errors)`,
        `ratio            ${(r.ratio * 100).toFixed(1)}% of JSON.parse (target ≥ 70%)`,
        `from file        ${f(r.file.recordsPerSec)} records/s  ${r.file.mbPerSec.toFixed(0)} MB/s  (read + cut + parse + decode)`,
        `heap used        ${r.heapUsedMb.toFixed(0)} MB`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

/** JSON lines from the given files (for benchmarking on real data). */
async function readLines(paths: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const p of paths) {
    for (const l of (await readFile(p, 'utf8')).split('\n')) if (l.trim() !== '') lines.push(l);
  }
  return lines;
}
