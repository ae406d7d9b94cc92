import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageOf } from '../../core/errors.js';
import { parseDuration } from '../../core/time.js';
import { evaluateRun, type EvaluationLimits, type RunEvaluation, type ScenarioResult } from '../../eval/evaluate.js';
import { PENDING_INTENTS } from '../../eval/pending.js';
import { parseSpec, type ScenarioSpec } from '../../eval/spec.js';
import { CorrelationEngine } from '../../correlate/engine.js';
import { createRuleSources, SOURCE_BINDINGS } from '../../rules/sources.js';
import { simulate, TRUTH_FILE, type Truth } from '../../sim/simulate.js';
import { TELEMETRY_DIR } from '../../sim/writer.js';
import { createProcessTree, tetragonDecoder } from '../../sources/tetragon/index.js';
import { runAnalyze } from '../analyze-run.js';
import type { CliIo } from '../io.js';
import { loadBaseline, loadDetector, loadIntel } from '../../service/load.js';
import { selectScenarios } from './simulate.js';

export interface EvalRun {
  /** The spec file or simulation directory evaluated. */
  readonly input: string;
  readonly name: string;
  readonly seed: number;
  readonly evaluation: RunEvaluation;
}

class InputError extends Error {}

async function readTruth(dir: string): Promise<Truth> {
  const path = join(dir, TRUTH_FILE);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: cannot read the ground truth: ${messageOf(err)}`);
  }
  const t = doc as Partial<Truth>;
  if (t.version !== 1 || !Array.isArray(t.scenarios)) throw new InputError(`${path}: not a vigil simulate ground truth (version 1 with scenarios)`);
  return doc as Truth;
}

async function evaluateDir(dir: string, name: string, io: CliIo, limits: EvaluationLimits = {}): Promise<EvalRun> {
  const truth = await readTruth(dir);
  const telemetry = join(dir, TELEMETRY_DIR);
  if (!existsSync(telemetry)) throw new InputError(`${dir}: no ${TELEMETRY_DIR}/ folder beside ${TRUTH_FILE}`);
  const tree = createProcessTree();
  const sources = createRuleSources({ ancestry: tree });
  // Every matching rule, not only the first: evaluation asks what each step can be seen as.
  const loaded = await loadDetector({ ruleMatching: 'all' }, sources, io);
  if (loaded === undefined) throw new InputError('the default rules have errors');
  const correlation = new CorrelationEngine(loaded.correlation, SOURCE_BINDINGS);
  const intel = await loadIntel({}, sources, io);
  if (intel === undefined) throw new InputError('the default intel feeds cannot be read');
  const baseline = await loadBaseline({}, sources, io);
  if (baseline === null || baseline === undefined) throw new InputError('the baselines cannot be set up');
  const report = await runAnalyze([telemetry], { format: 'auto', detector: loaded.detector, correlation, also: [intel, baseline], states: new Map([[tetragonDecoder, tree]]), maxErrors: 20 });
  if (report.summary.rejected > 0) {
    throw new InputError(`${telemetry}: ${report.summary.rejected} record(s) rejected, first: ${report.errors[0]?.message ?? ''} (${report.errors[0]?.input ?? ''}:${report.errors[0]?.line ?? 0})`);
  }
  const evaluation = evaluateRun(truth, { events: report.summary.events, signals: report.signals, threats: report.summary.threats, attacks: report.attacks.map((a) => ({ id: a.id, intent: a.intent, detectedMs: a.detectedMs, eventIds: a.events })) }, limits);
  return { input: dir, name, seed: truth.seed, evaluation };
}

async function evaluateSpec(spec: ScenarioSpec, io: CliIo): Promise<EvalRun> {
  const { scenarios, unknown } = selectScenarios(spec.scenarios);
  if (unknown.length > 0) throw new InputError(`${spec.file}: scenarios: unknown ${unknown.map((u) => JSON.stringify(u)).join(', ')} (see vigil simulate --list)`);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-eval-'));
  try {
    io.err(`vigil eval: ${spec.file}: simulating ${spec.duration} (seed ${spec.seed}, ${scenarios.length} scenarios)…\n`);
    await simulate(dir, {
      seed: spec.seed,
      startMs: spec.startMs,
      durationMs: parseDuration(spec.duration) as number,
      ...(spec.rate === undefined ? {} : { rate: spec.rate }),
      scenarios,
    });
    io.err(`vigil eval: ${spec.file}: detecting…\n`);
    const run = await evaluateDir(dir, spec.name, io, spec.maxBackgroundAnomaliesPer10k === undefined ? {} : { maxBackgroundAnomaliesPer10k: spec.maxBackgroundAnomaliesPer10k });
    return { ...run, input: spec.file };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Spec files and simulation directories named by `paths` (a directory of specs counts each). */
async function expand(paths: readonly string[]): Promise<({ kind: 'spec'; file: string } | { kind: 'dir'; dir: string })[]> {
  const out: ({ kind: 'spec'; file: string } | { kind: 'dir'; dir: string })[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new InputError(`${p}: no such file or directory`);
    if (statSync(p).isFile()) {
      out.push({ kind: 'spec', file: p });
    } else if (existsSync(join(p, TRUTH_FILE))) {
      out.push({ kind: 'dir', dir: p });
    } else {
      const specs = (await readdir(p)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
      if (specs.length === 0) throw new InputError(`${p}: neither a simulation (no ${TRUTH_FILE}) nor a folder of scenario files (*.yaml)`);
      for (const f of specs) out.push({ kind: 'spec', file: join(p, f) });
    }
  }
  return out;
}

function pct(x: number | undefined): string {
  return x === undefined ? '–' : `${(x * 100).toFixed(0)}%`;
}

function row(s: ScenarioResult): string {
  const what = s.kind === 'attack' ? (s.intent ?? '') : '(benign)';
  const tech = s.kind === 'attack' ? `${s.techniques.covered.length}/${s.techniques.expected.length}` : '';
  // CloudTrail times are whole seconds, so a first signal can precede the scenario's first record.
  const signed = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(1)} s`;
  const first = s.firstSignalAfterS === undefined ? '' : signed(s.firstSignalAfterS);
  const detected = s.detectedAfterS === undefined ? '' : signed(s.detectedAfterS);
  return `  ${s.ok ? ' ' : '✗'} ${s.id.padEnd(44)} ${what.padEnd(18)} ${s.outcome.padEnd(12)} ${`${s.signalledEvents}/${s.events}`.padStart(8)} ${tech.padStart(6)} ${first.padStart(10)} ${detected.padStart(10)}\n`;
}

function table(runs: readonly EvalRun[]): string {
  let t = '';
  for (const r of runs) {
    const e = r.evaluation;
    t += `${r.input}  (${r.name}, seed ${r.seed})\n`;
    t += `    ${'scenario'.padEnd(44)} ${'intent'.padEnd(18)} ${'outcome'.padEnd(12)} ${'signalled'.padStart(8)} ${'techn.'.padStart(6)} ${'1st signal'.padStart(10)} ${'detected'.padStart(10)}\n`;
    for (const s of e.scenarios) t += row(s);
    const f = e.funnel;
    t += `  funnel: ${f.events.toLocaleString('en-US')} events → ${f.signals.toLocaleString('en-US')} signals → ${f.threats} threats → ${f.attacks} attacks`;
    t += f.signals === 0 ? '\n' : ` (${(f.events / f.signals).toFixed(0)} events per signal)\n`;
    t += `  false attacks: ${e.falseAttacks}\n`;
    const b = e.backgroundAnomalies;
    const over = b.limitPer10k !== undefined && b.per10k > b.limitPer10k;
    t += `  ${over ? '✗' : ' '}background anomalies: ${b.count} (${b.per10k.toFixed(2)} per 10 000 events${b.limitPer10k === undefined ? '' : `, limit ${b.limitPer10k}`})\n`;
    for (const i of e.intents.filter((x) => x.scenarios > 0 || x.reported > 0)) {
      t += `  ${i.intent.padEnd(18)} recall ${pct(i.recall).padStart(4)}  precision ${pct(i.precision).padStart(4)}  (${i.detected}/${i.scenarios} detected, ${i.reported} reported)${i.pending ? '  pending' : ''}\n`;
    }
    t += '\n';
  }
  const failed = [
    ...runs.flatMap((r) => r.evaluation.scenarios.filter((s) => !s.ok).map((s) => `${r.input}: ${s.id}: ${s.why}`)),
    ...runs.filter((r) => r.evaluation.falseAttacks > 0).map((r) => `${r.input}: ${r.evaluation.falseAttacks} attack(s) on no attack scenario`),
    ...runs
      .filter((r) => r.evaluation.backgroundAnomalies.limitPer10k !== undefined && r.evaluation.backgroundAnomalies.per10k > (r.evaluation.backgroundAnomalies.limitPer10k ?? 0))
      .map((r) => `${r.input}: ${r.evaluation.backgroundAnomalies.per10k.toFixed(2)} background anomalies per 10 000 events, above the limit of ${r.evaluation.backgroundAnomalies.limitPer10k ?? 0}`),
  ];
  t += failed.length === 0 ? 'result: every expectation met' : `result: ${failed.length} expectation(s) failed\n${failed.map((x) => `  ${x}`).join('\n')}`;
  if (PENDING_INTENTS.length > 0) t += `\npending intents (no attack expected yet): ${PENDING_INTENTS.join(', ')}`;
  return `${t}\n`;
}

export async function evalCommand(paths: readonly string[], opts: { json?: boolean }, io: CliIo): Promise<number> {
  const runs: EvalRun[] = [];
  try {
    for (const item of await expand(paths)) {
      if (item.kind === 'dir') runs.push(await evaluateDir(item.dir, item.dir, io));
      else runs.push(await evaluateSpec(parseSpec(item.file, await readFile(item.file, 'utf8')), io));
    }
  } catch (err) {
    io.err(`vigil eval: ${messageOf(err)}\n`);
    return 1;
  }
  const ok = runs.every((r) => r.evaluation.ok);
  if (opts.json === true) io.out(`${JSON.stringify({ ok, pending_intents: PENDING_INTENTS, runs }, null, 2)}\n`);
  else io.out(table(runs));
  return ok ? 0 : 1;
}
