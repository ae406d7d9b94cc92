/**
 * Loading what detection runs with, shared by `analyze`, `eval` and the live service: the rules
 * (Falco-syntax and correlation), the threat-intelligence feeds and the behavioural baselines.
 * Problems are written to `io.err`, one per line.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Baseliner, type BaselineJson } from '../baseline/baseliner.js';
import { Observer } from '../baseline/observe.js';
import type { VigilEvent } from '../core/event.js';
import { messageOf } from '../core/errors.js';
import { isObject } from '../core/json.js';
import { parseDuration } from '../core/time.js';
import { isCorrelationFile, loadCorrelation, type CorrelationSet } from '../correlate/load.js';
import { IntelDetector } from '../intel/detect.js';
import { DEFAULT_FEEDS } from '../intel/defaults.js';
import { FeedSet } from '../intel/feeds.js';
import { Detector } from '../rules/detect.js';
import { formatDiagnostic } from '../rules/diagnostics.js';
import type { RuleMatching } from '../rules/engine.js';
import { DEFAULT_RULES_DIR, readRuleFiles } from '../rules/files.js';
import { loadRules, type RuleSet, type RuleSourceSpec } from '../rules/load.js';

/** Where loading reports problems (a CLI's stderr, a server's log). */
export interface ProblemSink {
  err(text: string): void;
}

/**
 * The default rules plus `--rules`, in that order. A rule file with errors stops the run (exit
 * 1) after every problem is printed: running with half a rule set would hide detections.
 */
export async function loadDetector(
  opts: { rules?: readonly string[]; defaultRules?: boolean; ruleMatching?: string },
  sources: readonly RuleSourceSpec<VigilEvent>[],
  io: ProblemSink,
): Promise<{ detector: Detector; correlation: CorrelationSet; enabled: number; set: RuleSet<VigilEvent>; warnings: string[] } | undefined> {
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
  const warnings = [...read.diagnostics, ...set.diagnostics, ...correlation.diagnostics].filter((d) => d.severity !== 'error').map(formatDiagnostic);
  return { detector: new Detector(set, opts.ruleMatching === 'all' ? 'all' : ('first' satisfies RuleMatching)), correlation, enabled: set.counts.enabled, set, warnings };
}

/**
 * Vigil's default feeds plus `--intel`, loaded once for the run. A feed given on the command
 * line that cannot be read stops the run (exit 1); entries a feed holds that are not indicators
 * are reported and skipped.
 */
export async function loadIntel(
  opts: { intel?: readonly string[]; defaultIntel?: boolean },
  sources: readonly RuleSourceSpec<VigilEvent>[],
  io: ProblemSink,
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
  io: ProblemSink,
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
