import { formatRecordError } from '../../core/errors.js';
import type { FormatOption } from '../../pipeline/record-decoder.js';
import { runAnalyze } from '../analyze-run.js';
import type { CliIo } from '../io.js';
import { reportToJson, reportToJsonLines } from '../output/json.js';
import { reportToTable } from '../output/table.js';

/** How many record errors go to stderr in full before they are only counted. */
const MAX_ERRORS_SHOWN = 50;

export async function analyzeCommand(
  paths: string[],
  opts: { format: string; output: string; progress: boolean },
  io: CliIo,
): Promise<number> {
  const started = Date.now();
  const report = await runAnalyze(paths, {
    format: opts.format as FormatOption,
    entities: opts.output === 'table',
    ...(opts.progress && io.errIsTty
      ? { onProgress: (n: number) => io.err(`\r  ${n} records, ${Math.round(n / ((Date.now() - started) / 1000))} records/s `) }
      : {}),
  });
  if (opts.progress && io.errIsTty && Date.now() - started >= 1000) io.err('\n');
  if (opts.output === 'json') io.out(`${JSON.stringify(reportToJson(report), null, 2)}\n`);
  else if (opts.output === 'jsonl') io.out(reportToJsonLines(report));
  else io.out(reportToTable(report, io.outIsTty));

  const shown = report.errors.slice(0, MAX_ERRORS_SHOWN);
  for (const e of shown) io.err(`vigil: ${formatRecordError(e)}\n`);
  if (report.errors.length > shown.length) {
    io.err(`vigil: … and ${report.errors.length - shown.length} more errors (all are in --output json)\n`);
  }
  const unreadable = report.errors.some((e) => e.code === 'INPUT_UNREADABLE');
  return unreadable ? 1 : 0;
}
