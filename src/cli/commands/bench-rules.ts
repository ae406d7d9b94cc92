import { spawn } from 'node:child_process';
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

/** The cases of `bench rules`, in the order they are reported; `--case` runs one. */
export const RULE_BENCH_CASES = ['simulated', 'process-starts', 'k8s'] as const;
export type RuleBenchCaseName = (typeof RULE_BENCH_CASES)[number];

export interface BenchRulesOptions {
  json?: boolean;
  syscallRules?: string[];
  k8sRules?: string[];
  case?: string;
}

/** `bin/vigil.js`, to run each case in a process of its own. */
const BIN = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));

/** One case, measured in this process. */
async function runCase(name: RuleBenchCaseName, opts: BenchRulesOptions, records: number, rounds: number): Promise<RuleBenchResult> {
  if (name === 'k8s') {
    const files = await read(opts.k8sRules ?? defaults(OFFICIAL_K8S, 'vigil-k8s.yaml'));
    return benchRules({ name: 'k8s_audit rules on audit events', files, lines: k8sAuditWorkload(records) }, rounds);
  }
  const files = await read(opts.syscallRules ?? defaults(OFFICIAL_SYSCALL, 'vigil-runtime.yaml'));
  if (name === 'process-starts') return benchRules({ name: 'syscall rules on the process-start-heavy Tetragon mix', files, lines: tetragonWorkload(records) }, rounds);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-rules-'));
  let lines: string[];
  try {
    lines = await simulatedTetragonLines(await simulateRuntime(dir, records), Number.POSITIVE_INFINITY);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return benchRules({ name: 'syscall rules on simulated node telemetry (Tetragon)', files, lines }, rounds);
}

/**
 * One case in a child process (`--case`): a process that measured another mix before keeps that
 * mix's compiled code and type feedback, which made a second case measure up to a fifth lower.
 */
function runCaseApart(name: RuleBenchCaseName, opts: BenchRulesOptions, records: number, rounds: number): Promise<RuleBenchResult> {
  const args = [BIN, 'bench', 'rules', '--case', name, '--json', '--records', String(records), '--rounds', String(rounds)];
  if (opts.syscallRules !== undefined) args.push('--syscall-rules', ...opts.syscallRules);
  if (opts.k8sRules !== undefined) args.push('--k8s-rules', ...opts.k8sRules);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const parsed = JSON.parse(out) as { cases: RuleBenchResult[] };
        const r = parsed.cases[0];
        if (r === undefined) throw new Error('no result');
        resolve(r);
      } catch {
        reject(new Error(`case ${name} failed (exit ${String(code)}): ${err.trim().split('\n').slice(-3).join(' ')}`));
      }
    });
  });
}

/**
 * `vigil bench rules`: evaluation throughput of Falco-syntax rules on decoded events: syscall
 * rules on simulated node telemetry (`vigil simulate`'s model: mostly file and network hooks,
 * an eighth process starts, two runtime attacks) and on a generated mix where every fourth event
 * starts a process (the costliest kind), k8s_audit rules on audit events; each case in a process
 * of its own. By default the official Falco rule files (stable + incubating + sandbox;
 * k8saudit) when the corpus is present, else Vigil's.
 */
export async function benchRulesCommand(opts: BenchRulesOptions, records: number, rounds: number, io: CliIo): Promise<number> {
  const only = opts.case;
  if (only !== undefined && !(RULE_BENCH_CASES as readonly string[]).includes(only)) {
    io.err(`vigil bench: unknown case "${only}" (known: ${RULE_BENCH_CASES.join(', ')})\n`);
    return 2;
  }
  if (opts.json !== true) io.err(`bench rules: about ${records} events per case, best of ${rounds} rounds, each case in a process of its own…\n`);
  const results: RuleBenchResult[] = [];
  try {
    if (only !== undefined) results.push(await runCase(only as RuleBenchCaseName, opts, records, rounds));
    else for (const name of RULE_BENCH_CASES) results.push(await runCaseApart(name, opts, records, rounds));
  } catch (err) {
    io.err(`vigil bench: ${messageOf(err)}\n`);
    return 1;
  }
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
