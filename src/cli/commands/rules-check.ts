import { isCorrelationFile, loadCorrelation } from '../../correlate/load.js';
import { formatDiagnostic } from '../../rules/diagnostics.js';
import { readRuleFiles } from '../../rules/files.js';
import { loadRules } from '../../rules/load.js';
import { RULE_SOURCES } from '../../rules/sources.js';
import type { CliIo } from '../io.js';

/**
 * `vigil rules check [--output json] PATH...`: loads and compiles rule files, in the order
 * given (later files modify earlier ones, as in Falco), and reports every problem. Correlation
 * files (threat and attack items) are loaded as such, against the same sources' fields.
 */
export async function rulesCheckCommand(paths: string[], opts: { output: string; warnings: boolean }, io: CliIo): Promise<number> {
  const read = await readRuleFiles(paths);
  const set = loadRules(read.files.filter((f) => !isCorrelationFile(f.text)), RULE_SOURCES);
  const correlation = loadCorrelation(read.files.filter((f) => isCorrelationFile(f.text)), RULE_SOURCES);
  const threats = correlation.rules.filter((r) => r.kind === 'threat').length;
  const attacks = correlation.rules.length - threats;
  const all = [...read.diagnostics, ...set.diagnostics, ...correlation.diagnostics];
  const errors = all.filter((d) => d.severity === 'error');
  const warnings = all.filter((d) => d.severity === 'warning');
  if (opts.output === 'json') {
    const out = (d: (typeof all)[number]): Record<string, unknown> => ({
      file: d.file,
      line: d.line,
      column: d.col,
      code: d.code,
      message: d.message,
      ...(d.itemType === undefined ? {} : { item_type: d.itemType, item_name: d.itemName ?? '' }),
    });
    io.out(
      `${JSON.stringify(
        {
          files: read.files.length,
          lists: set.counts.lists,
          macros: set.counts.macros,
          rules: set.counts.rules,
          enabled: set.counts.enabled,
          threats,
          attacks,
          errors: errors.map(out),
          warnings: warnings.map(out),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const d of errors) io.out(`${formatDiagnostic(d)}\n`);
    if (opts.warnings) for (const d of warnings) io.out(`${formatDiagnostic(d)}\n`);
    const c = set.counts;
    io.out(
      `${read.files.length} file(s): ${c.rules} rules (${c.enabled} enabled and compiled), ${c.macros} macros, ${c.lists} lists` +
        `${threats + attacks > 0 ? `, ${threats} threat and ${attacks} attack correlation rules` : ''}; ` +
        `${errors.length} error(s), ${warnings.length} warning(s)${!opts.warnings && warnings.length > 0 ? ' (--warnings to list them)' : ''}\n`,
    );
  }
  return errors.length > 0 ? 1 : 0;
}
