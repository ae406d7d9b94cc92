import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRules, CHUNK, type RuleBenchResult } from '../../bench/rules-bench.js';
import { k8sAuditWorkload, tetragonWorkload } from '../../bench/rules-workload.js';
import { simulatedTetragonLines, simulateRuntime } from '../../bench/simulated.js';
import { messageOf } from '../../core/errors.js';
import { DEFAULT_RULES_DIR } from '../../rules/files.js';
import type { RuleFile } from '../../rules/load.js';
import type { CliIo } from '../io.js';

/** Falco's official rules, where a checkout keeps the shared corpus next to the repository. */
const CORPUS_FALCO = fileURLToPath(new URL('../../../../shared/corpus/falco/', import.meta.url));
const OFFICIAL_SYSCALL = ['rules/falco_rules.yaml', 'rules/falco-incubating_rules.yaml', 'rules/falco-sandbox_rules.yaml'].map((f) => `${CORPUS_FALCO}${f}`);
const OFFICIAL_K8S = [`${CORPUS_FALCO}plugins/k8saudit/rules/k8s_audit_rules.yaml`];

/** Falco's official syscall rules (stable, incubating, sandbox) when the corpus is beside the repository, else none. */
export function officialSyscallRules(): string[] {
  return OFFICIAL_SYSCALL.every((f) => existsSync(f)) ? [...OFFICIAL_SYSCALL] : [];
}

function defaults(official: readonly string[], own: string): string[] {
  return official.every((f) => existsSync(f)) ? [...official] : [join(DEFAULT_RULES_DIR, own)];
}

async function read(paths: readonly string[]): Promise<RuleFile[]> {
  return Promise.all(paths.map(async (p) => ({ name: p, text: await readFile(p, 'utf8') })));
}

/**
 * `vigil bench rules`: evaluation throughput of Falco-syntax rules on decoded events: syscall
 * rules on simulated node telemetry (`vigil simulate`'s model: mostly file and network hooks,
 * an eighth process starts) and on a generated mix where every fourth event starts a process
 * (the costliest kind), k8s_audit rules on audit events. By default the official Falco rule
 * files (stable + incubating + sandbox; k8saudit) when the corpus is present, else Vigil's.
 */
export async function benchRulesCommand(opts: { json?: boolean; syscallRules?: string[]; k8sRules?: string[] }, records: number, rounds: number, io: CliIo): Promise<number> {
  let syscall: RuleFile[];
  let k8s: RuleFile[];
  try {
    syscall = await read(opts.syscallRules ?? defaults(OFFICIAL_SYSCALL, 'vigil-runtime.yaml'));
    k8s = await read(opts.k8sRules ?? defaults(OFFICIAL_K8S, 'vigil-k8s.yaml'));
  } catch (err) {
    io.err(`vigil bench: cannot read rules: ${messageOf(err)}\n`);
    return 1;
  }
  if (opts.json !== true) io.err(`bench rules: ${records} events per case (simulating the node telemetry first), best of ${rounds} rounds…\n`);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-rules-'));
  let simulated: string[];
  try {
    simulated = await simulatedTetragonLines(await simulateRuntime(dir, records), Number.POSITIVE_INFINITY);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const cases = [
    { name: 'syscall rules on simulated node telemetry (Tetragon)', files: syscall, lines: simulated },
    { name: 'syscall rules on the process-start-heavy Tetragon mix', files: syscall, lines: tetragonWorkload(records) },
    { name: 'k8s_audit rules on audit events', files: k8s, lines: k8sAuditWorkload(records) },
  ];
  const results: RuleBenchResult[] = cases.map((c) => benchRules(c, rounds));
  if (opts.json === true) {
    io.out(`${JSON.stringify({ target: 'rules', cases: results }, null, 2)}\n`);
  } else {
    const lines: string[] = [];
    for (const r of results) {
      lines.push(
        `${r.name}`,
        `  rules      ${r.enabled} enabled of ${r.rules} (${r.errors} load errors) from ${r.ruleFiles.map((f) => f.split('/').pop()).join(', ')}`,
        `  events     ${r.events.toLocaleString('en-US')}; ${r.candidatesPerEvent.toFixed(1)} rules tested per event after the type index; ${r.matchedEvents} matched`,
        `  throughput ${Math.round(r.eventsPerSec).toLocaleString('en-US')} events/s on one core, each chunk of ${CHUNK} records evaluated as it is decoded`,
        `  engine     ${Math.round(r.engineOnlyEventsPerSec).toLocaleString('en-US')} events/s with the field values extracted beforehand`,
        `  bulk       ${Math.round(r.bulkEventsPerSec).toLocaleString('en-US')} events/s over all events decoded first (out of the caches)`,
        '',
      );
    }
    io.out(`${lines.join('\n')}`);
  }
  return results.some((r) => r.errors > 0) ? 1 : 0;
}
