import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPipeline, type PipelineBenchOptions, type PipelineBenchResult } from '../../bench/pipeline-bench.js';
import { SIMULATED_RATE, simulateTelemetry } from '../../bench/simulated.js';
import { messageOf } from '../../core/errors.js';
import { Baseliner } from '../../baseline/baseliner.js';
import { Observer } from '../../baseline/observe.js';
import { IntelDetector } from '../../intel/detect.js';
import { DEFAULT_FEEDS } from '../../intel/defaults.js';
import { FeedSet } from '../../intel/feeds.js';
import { Detector } from '../../rules/detect.js';
import { DEFAULT_RULES_DIR, readRuleFiles } from '../../rules/files.js';
import { loadRules } from '../../rules/load.js';
import { createRuleSources, SOURCE_BINDINGS } from '../../rules/sources.js';
import { CorrelationEngine } from '../../correlate/engine.js';
import { isCorrelationFile, loadCorrelation } from '../../correlate/load.js';
import { officialSyscallRules } from './bench-rules.js';
import { createProcessTree } from '../../sources/tetragon/index.js';
import type { CliIo } from '../io.js';

/** The JSON the issue tracker and docs quote (`vigil bench --json`). */
export function pipelineJson(r: PipelineBenchResult): Record<string, unknown> {
  return {
    ceiling_eps: Math.round(r.ceilingEps),
    decode_eps: Math.round(r.decodeEps),
    signals_eps: Math.round(r.signalsEps),
    pipeline_eps: Math.round(r.pipelineEps),
    ratio_to_parse_ceiling: Number(r.ratioToParseCeiling.toFixed(3)),
    decode_ratio: Number(r.decodeRatio.toFixed(3)),
    signals_ratio: Number(r.signalsRatio.toFixed(3)),
    p50_latency_us: Number(r.latencyUs.p50.toFixed(2)),
    p90_latency_us: Number(r.latencyUs.p90.toFixed(2)),
    p99_latency_us: Number(r.latencyUs.p99.toFixed(2)),
    p999_latency_us: Number(r.latencyUs.p999.toFixed(2)),
    max_latency_us: Number(r.latencyUs.max.toFixed(2)),
    peak_rss_mb: Math.round(r.peakRssMb),
    correlation_state_size: r.correlationStateSize,
    correlation_held_inputs: r.correlationHeld,
    identity_graph_size: r.identityGraphSize,
    process_tree_size: r.processTreeSize,
    baseline_profiles: r.baselineProfiles,
    files: r.files,
    records: r.records,
    bytes: r.bytes,
    events: r.events,
    signals: r.signals,
    threats: r.threats,
    attacks: r.attacks,
    seconds: r.seconds,
  };
}

/** Microseconds as µs below a millisecond, as ms above. */
function duration(us: number): string {
  return us < 1000 ? `${us.toFixed(1)} µs` : `${(us / 1000).toFixed(1)} ms`;
}

function table(r: PipelineBenchResult): string {
  const f = (x: number) => Math.round(x).toLocaleString('en-US').padStart(11);
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}% of JSON.parse`;
  return [
    `input      ${r.records.toLocaleString('en-US')} records (${(r.bytes / 1e6).toFixed(0)} MB in ${r.files} files): ${r.events.toLocaleString('en-US')} events → ${r.signals.toLocaleString('en-US')} signals → ${r.threats} threats → ${r.attacks} attacks`,
    `ceiling    ${f(r.ceilingEps)} records/s  JSON.parse only`,
    `decode     ${f(r.decodeEps)} records/s  ${pct(r.decodeRatio)}  (decoders and process tree)`,
    `signals    ${f(r.signalsEps)} records/s  ${pct(r.signalsRatio)}  (+ Vigil's and Falco's rules, every match; intel; baselines)`,
    `pipeline   ${f(r.pipelineEps)} records/s  ${pct(r.ratioToParseCeiling)}  (+ threats and attacks)`,
    `           (each share against JSON.parse of the same chunks, timed beside each chunk)`,
    `latency    p50 ${duration(r.latencyUs.p50)}  p90 ${duration(r.latencyUs.p90)}  p99 ${duration(r.latencyUs.p99)}  p99.9 ${duration(r.latencyUs.p999)}  max ${duration(r.latencyUs.max)}  (per event, from its chunk's start to its batch's signals)`,
    `memory     peak RSS ${Math.round(r.peakRssMb)} MB; state at the end: process tree ${r.processTreeSize.toLocaleString('en-US')} entries, ${r.baselineProfiles.toLocaleString('en-US')} baseline profiles, correlation ${r.correlationStateSize.toLocaleString('en-US')} keys holding ${r.correlationHeld.toLocaleString('en-US')} inputs, identity graph ${r.identityGraphSize.toLocaleString('en-US')} entities`,
    '',
  ].join('\n');
}

/**
 * The stages as `vigil analyze` runs them, fresh per pass: Vigil's rules and Falco's official
 * syscall rules beside the repository, every match; the default intel feeds; baselines; the
 * default correlation library.
 */
export async function pipelineStages(): Promise<{ makeDetector: PipelineBenchOptions['makeDetector']; officialRules: boolean }> {
  const read = await readRuleFiles([DEFAULT_RULES_DIR, ...officialSyscallRules()]);
  const falcoFiles = read.files.filter((f) => !isCorrelationFile(f.text));
  const correlationFiles = read.files.filter((f) => isCorrelationFile(f.text));
  const feeds = new FeedSet(DEFAULT_FEEDS);
  await feeds.refresh();
  return {
    officialRules: officialSyscallRules().length > 0,
    makeDetector: () => {
      const tree = createProcessTree();
      const sources = createRuleSources({ ancestry: tree });
      const rules = new Detector(loadRules(falcoFiles, sources), 'all');
      const intel = new IntelDetector({ index: () => feeds.index, sources });
      const baseline = new Baseliner(new Observer(sources));
      return {
        tree,
        stateSize: () => baseline.size,
        parts: { detector: rules, also: [intel, baseline], correlation: new CorrelationEngine(loadCorrelation(correlationFiles, sources), SOURCE_BINDINGS) },
      };
    },
  };
}

export async function benchPipelineCommand(opts: { json?: boolean; input?: string[] }, records: number, rounds: number, io: CliIo): Promise<number> {
  const { makeDetector, officialRules } = await pipelineStages();
  if (!officialRules && opts.json !== true) io.err("bench: Falco's official rules are not beside the repository (../shared/corpus/falco/rules); Vigil's rules only\n");
  let dir: string | undefined;
  try {
    let inputs = opts.input;
    if (inputs === undefined) {
      dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
      if (opts.json !== true) io.err(`bench: simulating about ${records.toLocaleString('en-US')} records (vigil simulate --rate ${SIMULATED_RATE}, every scenario that fits)…\n`);
      inputs = [await simulateTelemetry(dir, records)];
    }
    if (opts.json !== true) io.err(`bench: three passes over the files (decode, signals, pipeline), each chunk also parsed alone beside it, ${rounds} round(s), one core…\n`);
    const r = await benchPipeline(inputs, {
      rounds,
      makeDetector,
      ...(opts.json === true ? {} : { onProgress: (p: string, n: number) => io.err(`  ${p}: ${n.toLocaleString('en-US')} records\n`) }),
    });
    io.out(opts.json === true ? `${JSON.stringify(pipelineJson(r), null, 2)}\n` : table(r));
    return 0;
  } catch (err) {
    io.err(`vigil bench: ${messageOf(err)}\n`);
    return 1;
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
