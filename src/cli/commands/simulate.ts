import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../../core/errors.js';
import { parseDuration, parseTime } from '../../core/time.js';
import { SCENARIOS } from '../../sim/scenarios/index.js';
import type { Scenario } from '../../sim/scenario.js';
import { simulate, TRUTH_FILE } from '../../sim/simulate.js';
import { TELEMETRY_DIR } from '../../sim/writer.js';
import type { CliIo } from '../io.js';

export interface SimulateCommandOptions {
  readonly out?: string;
  readonly seed: string;
  readonly start: string;
  readonly duration: string;
  readonly rate?: string;
  readonly nodes: string;
  readonly workloads: string;
  readonly scenario: string[];
  readonly list?: boolean;
  readonly force?: boolean;
}

/** `all`, `attacks`, `benign`, `none`, intents (`cryptojacking`) and scenario ids, in order, without repeats. */
export function selectScenarios(names: readonly string[]): { scenarios: Scenario[]; unknown: string[] } {
  const picked: Scenario[] = [];
  const unknown: string[] = [];
  const add = (xs: readonly Scenario[]) => {
    for (const s of xs) if (!picked.includes(s)) picked.push(s);
  };
  for (const name of names) {
    if (name === 'none') continue;
    if (name === 'all') add(SCENARIOS);
    else if (name === 'attacks') add(SCENARIOS.filter((s) => s.kind === 'attack'));
    else if (name === 'benign') add(SCENARIOS.filter((s) => s.kind === 'benign'));
    else {
      const xs = SCENARIOS.filter((s) => s.id === name || (s.kind === 'attack' && s.intent === name));
      if (xs.length === 0) unknown.push(name);
      add(xs);
    }
  }
  return { scenarios: picked, unknown };
}

function listScenarios(io: CliIo): number {
  for (const s of SCENARIOS) {
    const what = s.kind === 'attack' ? s.intent : `benign, resembles ${s.resembles}`;
    io.out(`${s.id.padEnd(44)} ${what.padEnd(32)} ${s.title}\n`);
  }
  return 0;
}

function positiveInt(text: string, name: string, io: CliIo, min = 1): number | undefined {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    io.err(`vigil simulate: ${name} must be an integer ≥ ${min} (got ${JSON.stringify(text)})\n`);
    return undefined;
  }
  return n;
}

export async function simulateCommand(opts: SimulateCommandOptions, io: CliIo): Promise<number> {
  if (opts.list === true) return listScenarios(io);
  if (opts.out === undefined) {
    io.err('vigil simulate: --out DIR is required (where the telemetry and truth.json go)\n');
    return 2;
  }
  const seed = positiveInt(opts.seed, '--seed', io, 0);
  const nodes = positiveInt(opts.nodes, '--nodes', io);
  const workloads = positiveInt(opts.workloads, '--workloads', io);
  if (seed === undefined || nodes === undefined || workloads === undefined) return 2;
  const start = parseTime(opts.start);
  if (start === undefined) {
    io.err(`vigil simulate: --start must be an RFC 3339 time such as 2026-11-02T00:00:00Z (got ${JSON.stringify(opts.start)})\n`);
    return 2;
  }
  const durationMs = parseDuration(opts.duration);
  if (durationMs === undefined || durationMs < 60_000) {
    io.err(`vigil simulate: --duration must be at least a minute, written like 30m, 6h or 2d (got ${JSON.stringify(opts.duration)})\n`);
    return 2;
  }
  const rate = opts.rate === undefined ? undefined : Number(opts.rate);
  if (rate !== undefined && !(Number.isFinite(rate) && rate >= 0)) {
    io.err(`vigil simulate: --rate must be a number of events per second ≥ 0 (got ${JSON.stringify(opts.rate)})\n`);
    return 2;
  }
  const { scenarios, unknown } = selectScenarios(opts.scenario.length === 0 ? ['all'] : opts.scenario);
  if (unknown.length > 0) {
    io.err(`vigil simulate: unknown scenario ${unknown.map((u) => JSON.stringify(u)).join(', ')} (see vigil simulate --list)\n`);
    return 2;
  }
  const out = opts.out;
  if (existsSync(out) && readdirSync(out).length > 0) {
    const ours = readdirSync(out).every((f) => f === TELEMETRY_DIR || f === TRUTH_FILE);
    if (opts.force !== true || !ours) {
      io.err(ours
        ? `vigil simulate: ${out} holds an earlier simulation; pass --force to replace it\n`
        : `vigil simulate: ${out} is not empty and holds other files; choose an empty or new directory\n`);
      return 2;
    }
    await rm(join(out, TELEMETRY_DIR), { recursive: true, force: true });
    await rm(join(out, TRUTH_FILE), { force: true });
  }
  const began = Date.now();
  io.err(`vigil simulate: ${opts.duration} of event time from ${new Date(start.ms).toISOString()}, seed ${seed}, ${scenarios.length} scenario(s) → ${out}\n`);
  try {
    const truth = await simulate(out, {
      seed,
      startMs: start.ms,
      durationMs,
      ...(rate === undefined ? {} : { rate }),
      nodes,
      workloads,
      scenarios,
      onProgress: (p) => io.err(`  ${(p.fraction * 100).toFixed(0).padStart(3)}%  ${new Date(p.eventTimeMs).toISOString()}  ${p.records.toLocaleString('en-US')} records\n`),
    });
    const c = truth.counts;
    io.out(
      [
        `wrote ${c.total.toLocaleString('en-US')} records in ${truth.files.length} files to ${join(out, TELEMETRY_DIR)} in ${((Date.now() - began) / 1000).toFixed(1)} s`,
        `  tetragon ${c.tetragon.toLocaleString('en-US')}, falco ${c.falco.toLocaleString('en-US')}, k8saudit ${c.k8saudit.toLocaleString('en-US')}, cloudtrail ${c.cloudtrail.toLocaleString('en-US')}`,
        `ground truth: ${join(out, TRUTH_FILE)} (${truth.scenarios.filter((s) => s.kind === 'attack').length} attacks, ${truth.scenarios.filter((s) => s.kind === 'benign').length} benign look-alikes)`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    io.err(`vigil simulate: ${messageOf(err)}\n`);
    return 1;
  }
}
