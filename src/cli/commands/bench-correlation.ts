import { benchCorrelation } from '../../bench/correlation-bench.js';
import { isCorrelationFile, loadCorrelation } from '../../correlate/load.js';
import { DEFAULT_RULES_DIR, readRuleFiles } from '../../rules/files.js';
import { RULE_SOURCES } from '../../rules/sources.js';
import type { CliIo } from '../io.js';

/** `vigil bench correlation [--records N]`: the correlation state with N active keys (default 1 000 000). */
export async function benchCorrelationCommand(opts: { json?: boolean }, keys: number, io: CliIo): Promise<number> {
  const read = await readRuleFiles([DEFAULT_RULES_DIR]);
  const set = loadCorrelation(read.files.filter((f) => isCorrelationFile(f.text)), RULE_SOURCES);
  if (opts.json !== true) io.err(`bench correlation: ${keys.toLocaleString('en-US')} containers, each starting a partial match…\n`);
  const r = benchCorrelation(set, keys, opts.json === true ? undefined : (n) => io.err(`  ${n.toLocaleString('en-US')} signals\n`));
  if (opts.json === true) {
    io.out(`${JSON.stringify({ target: 'correlation', ...r }, null, 2)}\n`);
    return 0;
  }
  const x = r.afterExpiry;
  io.out(
    [
      `active keys  ${r.stateKeys.toLocaleString('en-US')} (rule, key) states holding ${r.heldInputs.toLocaleString('en-US')} inputs, from ${r.keys.toLocaleString('en-US')} signals`,
      `memory       ${r.heapMb.toFixed(0)} MB of heap (${r.bytesPerKey.toFixed(0)} bytes per state), after a full collection`,
      `speed        ${Math.round(r.signalsPerSec).toLocaleString('en-US')} signals/s on one core`,
      `expiry       an hour of event time later: ${x.keys.toLocaleString('en-US')} states, ${x.held.toLocaleString('en-US')} inputs held, ${x.expired.toLocaleString('en-US')} released; heap in use ${x.heapUsedMb.toFixed(0)} MB`,
      '',
    ].join('\n'),
  );
  return 0;
}
