import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { formatRecordError } from '../../core/errors.js';
import { Detector } from '../../rules/detect.js';
import { formatDiagnostic } from '../../rules/diagnostics.js';
import type { RuleMatching } from '../../rules/engine.js';
import { DEFAULT_RULES_DIR, readRuleFiles } from '../../rules/files.js';
import { loadRules, type RuleSourceSpec } from '../../rules/load.js';
import { createRuleSources, SOURCE_BINDINGS } from '../../rules/sources.js';
import { CorrelationEngine } from '../../correlate/engine.js';
import { isCorrelationFile, loadCorrelation, type CorrelationSet } from '../../correlate/load.js';
import type { VigilEvent } from '../../core/event.js';
import { createProcessTree, tetragonDecoder } from '../../sources/tetragon/index.js';
import type { FormatOption } from '../../pipeline/record-decoder.js';
import { runAnalyze } from '../analyze-run.js';
import { Baseliner, type BaselineJson } from '../../baseline/baseliner.js';
import { Observer } from '../../baseline/observe.js';
import { messageOf } from '../../core/errors.js';
import { isObject } from '../../core/json.js';
import { parseDuration } from '../../core/time.js';
import { IntelDetector } from '../../intel/detect.js';
import { DEFAULT_FEEDS } from '../../intel/defaults.js';
import { FeedSet } from '../../intel/feeds.js';
import type { CliIo } from '../io.js';
import { reportToJson, reportToJsonLines } from '../output/json.js';
import { signalsToOcsfLines } from '../output/ocsf.js';
import { reportToTable } from '../output/table.js';
import { VIGIL_VERSION } from '../version.js';

export interface AnalyzeCommandOptions {
  readonly format: string;
  readonly output: string;
  readonly progress: boolean;
  readonly rules?: readonly string[];
  readonly defaultRules?: boolean;
  readonly ruleMatching?: string;
  readonly intel?: readonly string[];
  readonly defaultIntel?: boolean;
  /** Behavioural baselines (default on). */
  readonly baselines?: boolean;
  /** A file the baselines are loaded from (when it exists) and saved to after the run. */
  readonly baseline?: string;
  /** Anomaly signals (analyze JSON output, or their `anomaly` details) an analyst marked as false positives. */
  readonly falsePositives?: readonly string[];
  /** Event time profiles learn before reporting (`1h`). */
  readonly learn?: string;
}

/** How many record errors go to stderr in full before they are only counted. */
const MAX_ERRORS_SHOWN = 50;

export async function analyzeCommand(
  paths: string[],
  opts: AnalyzeCommandOptions,
  io: CliIo,
): Promise<number> {
  // One process tree per run, shared by the decoder (which feeds it) and the rules (whose
  // ancestor fields walk it).
  const tree = createProcessTree();
  const sources = createRuleSources({ ancestry: tree });
  const loaded = await loadDetector(opts, sources, io);
  if (loaded === undefined) return 1;
  const intel = await loadIntel(opts, sources, io);
  if (intel === undefined) return 1;
  const baseline = await loadBaseline(opts, sources, io);
  if (baseline === null) return 1;
  const started = Date.now();
  const report = await runAnalyze(paths, {
    detector: loaded.detector,
    correlation: new CorrelationEngine(loaded.correlation, SOURCE_BINDINGS),
    also: baseline === undefined ? [intel] : [intel, baseline],
    states: new Map([[tetragonDecoder, tree]]),
    format: opts.format as FormatOption,
    entities: opts.output === 'table',
    // json and jsonl print every error; the table and OCSF views show the first ones on stderr.
    ...(opts.output === 'table' || opts.output === 'ocsf' ? { maxErrors: MAX_ERRORS_SHOWN } : {}),
    ...(opts.progress && io.errIsTty
      ? { onProgress: (n: number) => io.err(`\r  ${n} records, ${Math.round(n / ((Date.now() - started) / 1000))} records/s `) }
      : {}),
  });
  if (opts.progress && io.errIsTty && Date.now() - started >= 1000) io.err('\n');
  if (opts.output === 'json') io.out(`${JSON.stringify(reportToJson(report), null, 2)}\n`);
  else if (opts.output === 'jsonl') io.out(reportToJsonLines(report));
  else if (opts.output === 'ocsf') io.out(signalsToOcsfLines(report.signals, { name: 'Vigil', version: VIGIL_VERSION }));
  else io.out(reportToTable(report, io.outIsTty));
  if (baseline !== undefined && opts.baseline !== undefined) {
    try {
      await writeFile(opts.baseline, `${JSON.stringify(baseline.toJSON())}\n`);
    } catch (err) {
      io.err(`vigil: cannot save the baselines to ${opts.baseline}: ${messageOf(err)}\n`);
      return 1;
    }
  }

  const shown = report.errors.slice(0, MAX_ERRORS_SHOWN);
  for (const e of shown) io.err(`vigil: ${formatRecordError(e)}\n`);
  const more = report.errors.length - shown.length + report.errorsNotKept;
  if (more > 0) io.err(`vigil: … and ${more} more errors (all are in --output json)\n`);
  return report.unreadable ? 1 : 0;
}

/**
 * The default rules plus `--rules`, in that order. A rule file with errors stops the run (exit
 * 1) after every problem is printed: running with half a rule set would hide detections.
 */
export async function loadDetector(
  opts: { rules?: readonly string[]; defaultRules?: boolean; ruleMatching?: string },
  sources: readonly RuleSourceSpec<VigilEvent>[],
  io: CliIo,
): Promise<{ detector: Detector; correlation: CorrelationSet } | undefined> {
  const paths = [...(opts.defaultRules === false ? [] : [DEFAULT_RULES_DIR]), ...(opts.rules ?? [])];
  const read = await readRuleFiles(paths);
  const falco = read.files.filter((f) => !isCorrelationFile(f.text));
  const set = loadRules(falco, sources);
  const correlation = loadCorrelation(read.files.filter((f) => isCorrelationFile(f.text)), sources);
  const errors = [...read.diagnostics, ...set.diagnostics, ...correlation.diagnostics].filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of errors) io.err(`vigil: ${formatDiagnostic(d)}\n`);
    io.err(`vigil: ${errors.length} error(s) in the rules; nothing analyzed (vigil rules check shows warnings too)\n`);
    return undefined;
  }
  return { detector: new Detector(set, opts.ruleMatching === 'all' ? 'all' : ('first' satisfies RuleMatching)), correlation };
}

/**
 * Vigil's default feeds plus `--intel`, loaded once for the run. A feed given on the command
 * line that cannot be read stops the run (exit 1); entries a feed holds that are not indicators
 * are reported and skipped.
 */
export async function loadIntel(
  opts: { intel?: readonly string[]; defaultIntel?: boolean },
  sources: readonly RuleSourceSpec<VigilEvent>[],
  io: CliIo,
): Promise<IntelDetector | undefined> {
  const feeds = new FeedSet([...(opts.defaultIntel === false ? [] : DEFAULT_FEEDS), ...(opts.intel ?? []).map((location) => ({ location }))]);
  const statuses = await feeds.refresh();
  const failed = statuses.filter((s) => s.error !== undefined);
  for (const s of failed) io.err(`vigil: intel feed ${s.name}: ${s.error ?? ''}\n`);
  if (failed.length > 0) return undefined;
  for (const s of statuses) {
    for (const p of s.problems.slice(0, 5)) io.err(`vigil: intel feed ${s.location}: ${p.where}: ${p.message} (skipped)\n`);
    if (s.problems.length > 5) io.err(`vigil: intel feed ${s.location}: … and ${s.problems.length - 5} more entries skipped\n`);
  }
  return new IntelDetector({ index: () => feeds.index, sources });
}

/**
 * The behavioural baselines for the run: undefined when turned off, null when the options or the
 * files they name are wrong (reported). A saved baseline is loaded first, then the analyst's
 * false positives teach it.
 */
export async function loadBaseline(
  opts: { baselines?: boolean; baseline?: string; falsePositives?: readonly string[]; learn?: string },
  sources: readonly RuleSourceSpec<VigilEvent>[],
  io: CliIo,
): Promise<Baseliner | undefined | null> {
  if (opts.baselines === false) return undefined;
  const learnMs = opts.learn === undefined ? undefined : parseDuration(opts.learn);
  if (opts.learn !== undefined && learnMs === undefined) {
    io.err(`vigil: --learn must be a duration such as 30m or 2h (got ${JSON.stringify(opts.learn)})\n`);
    return null;
  }
  const b = new Baseliner(new Observer(sources), learnMs === undefined ? {} : { learnMs });
  if (opts.baseline !== undefined && existsSync(opts.baseline)) {
    try {
      b.load(JSON.parse(await readFile(opts.baseline, 'utf8')) as BaselineJson);
    } catch (err) {
      io.err(`vigil: ${opts.baseline}: cannot load the baselines: ${messageOf(err)}\n`);
      return null;
    }
  }
  for (const file of opts.falsePositives ?? []) {
    try {
      for (const d of anomaliesIn(JSON.parse(await readFile(file, 'utf8')) as unknown)) b.feedback(d);
    } catch (err) {
      io.err(`vigil: ${file}: cannot read the false positives: ${messageOf(err)}\n`);
      return null;
    }
  }
  return b;
}

/** The anomaly details in a feedback file: an analyze report, a list of signals, or of details. */
function anomaliesIn(doc: unknown): { profile: string; feature: string; value: string }[] {
  const items = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc['signals']) ? doc['signals'] : isObject(doc) ? [doc] : [];
  const out: { profile: string; feature: string; value: string }[] = [];
  for (const item of items) {
    const d = isObject(item) && isObject(item['anomaly']) ? item['anomaly'] : item;
    if (isObject(d) && typeof d['profile'] === 'string' && typeof d['feature'] === 'string' && typeof d['value'] === 'string') {
      out.push({ profile: d['profile'], feature: d['feature'], value: d['value'] });
    }
  }
  return out;
}
