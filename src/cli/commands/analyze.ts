import { writeFile } from 'node:fs/promises';
import { formatRecordError } from '../../core/errors.js';
import { createRuleSources, SOURCE_BINDINGS } from '../../rules/sources.js';
import { CorrelationEngine } from '../../correlate/engine.js';
import { createProcessTree, tetragonDecoder } from '../../sources/tetragon/index.js';
import type { FormatOption } from '../../pipeline/record-decoder.js';
import { runAnalyze } from '../analyze-run.js';
import { loadBaseline, loadDetector, loadIntel } from '../../service/load.js';
import { messageOf } from '../../core/errors.js';
import type { CliIo } from '../io.js';
import { reportToJson, reportToJsonLines } from '../output/json.js';
import { signalsToOcsfLines } from '../output/ocsf.js';
import { reportToTable } from '../output/table.js';
import type { DetectionOptions } from '../../service/detection.js';
import { VIGIL_VERSION } from '../version.js';

/** The detection settings `analyze` shares with the live service, plus its own. */
export interface AnalyzeCommandOptions extends Omit<DetectionOptions, 'clock'> {
  readonly format: string;
  readonly output: string;
  readonly progress: boolean;
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
