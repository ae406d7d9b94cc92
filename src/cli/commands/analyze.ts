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
    // json and jsonl print every error; the table view shows the first ones on stderr.
    ...(opts.output === 'table' ? { maxErrors: MAX_ERRORS_SHOWN } : {}),
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
  const more = report.errors.length - shown.length + report.errorsNotKept;
  if (more > 0) io.err(`vigil: … and ${more} more errors (all are in --output json)\n`);
  return report.unreadable ? 1 : 0;
}
