/**
 * The `vigil` command line (contracts.md). Commands are listed explicitly in `createProgram`;
 * `main` returns the exit status instead of exiting, so tests can run it in-process.
 */

import { Command, CommanderError, Option } from 'commander';
import { INPUT_FORMATS } from '../core/event.js';
import { analyzeCommand, type AnalyzeCommandOptions } from './commands/analyze.js';
import { benchCommand, type BenchOptions } from './commands/bench.js';
import { demoCommand, type DemoOptions } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { normalizeCommand } from './commands/normalize.js';
import { rulesCheckCommand } from './commands/rules-check.js';
import { processLifecycle, serveCommand, type ServeLifecycle, type ServeOptions } from './commands/serve.js';
import { simulateCommand, type SimulateCommandOptions } from './commands/simulate.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand, type TokenOptions } from './commands/token.js';
import { RULE_MATCHING } from '../rules/engine.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';
import { VIGIL_VERSION } from './version.js';


export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** What commands read from the process besides their arguments (tests give their own). */
export interface CliEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly lifecycle: () => ServeLifecycle;
}

function createProgram(io: CliIo, setStatus: (code: number) => void, cli: CliEnv): Command {
  const program = new Command('vigil')
    .description('Vigil: smart cloud detection and response over Falco, Tetragon, Kubernetes audit and CloudTrail telemetry')
    .version(VIGIL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  program
    .command('analyze')
    .description('detect suspicious activity, threats and attacks in telemetry files (offline)')
    .argument('<path...>', 'files or directories (recursive); - for standard input; .gz accepted')
    .addOption(new Option('--format <format>', 'input format, detected per file and record when auto').choices(['auto', ...INPUT_FORMATS]).default('auto'))
    .addOption(new Option('--output <output>', 'report format (ocsf: a Detection Finding per signal, one per line)').choices(['table', 'json', 'jsonl', 'ocsf']).default('table'))
    .option('--rules <path>', 'extra rule files or directories (repeatable; loaded in order after the defaults)', collect, [])
    .option('--no-default-rules', "do not load Vigil's default rules")
    .option('--intel <feed>', 'threat-intelligence feed: a file or http(s) URL (plain list, CSV, STIX 2.1 bundle or MISP event; repeatable)', collect, [])
    .option('--no-default-intel', "do not load Vigil's default feeds (mining pools)")
    .option('--no-baselines', 'no behavioural baselines (anomaly signals)')
    .option('--baseline <file>', 'load the baselines from this file when it exists, and save them to it after the run')
    .option('--false-positive <file>', 'anomaly signals an analyst marked as false positives (analyze JSON, or a list of signals; repeatable)', collect, [])
    .option('--learn <duration>', 'event time each profile learns before it reports anomalies', '1h')
    .addOption(new Option('--rule-matching <mode>', 'fire the first matching rule per event (as Falco) or all of them').choices([...RULE_MATCHING]).default('first'))
    .option('--no-progress', 'no progress lines on standard error')
    .action(async (paths: string[], opts: AnalyzeCommandOptions & { falsePositive: string[] }) => {
      setStatus(await analyzeCommand(paths, { ...opts, falsePositives: opts.falsePositive }, io));
    });

  const rules = program.command('rules').description('work with rule files');
  rules
    .command('check')
    .description('load and compile rule files (in order) and report every problem with file, line and column')
    .argument('<path...>', 'rule files or directories (recursive)')
    .addOption(new Option('--output <output>', 'report format').choices(['table', 'json']).default('table'))
    .option('--warnings', 'list warnings too (the table shows only their count)')
    .action(async (paths: string[], opts: { output: string; warnings?: boolean }) => {
      setStatus(await rulesCheckCommand(paths, { output: opts.output, warnings: opts.warnings === true }, io));
    });

  program
    .command('normalize')
    .description("decode telemetry and write Vigil's normalized events (--format vigil), one JSON per line")
    .argument('<path...>', 'files or directories (recursive); - for standard input; .gz accepted')
    .addOption(new Option('--format <format>', 'input format, detected per file and record when auto').choices(['auto', ...INPUT_FORMATS]).default('auto'))
    .action(async (paths: string[], opts: { format: string }) => {
      setStatus(await normalizeCommand(paths, opts, io));
    });

  program
    .command('bench')
    .description('measure throughput on one core (pipeline: JSON.parse ceiling, decode, signals, full pipeline, latency, memory; decode: normalizing vs JSON.parse in memory; rules: rule evaluation on decoded events)')
    .argument('[target]', 'what to measure: pipeline, decode, rules, correlation, ingest (the live service under load) or ui (the web UI in Chromium over a large store)', 'pipeline')
    .option('--json', 'print the figures as JSON')
    .option('--records <n>', 'records in the generated workload (pipeline: 300000, simulated to a temporary folder; decode, rules: 30000; ui: attacks, 10000)')
    .option('--rounds <n>', 'timed rounds, the best kept (pipeline: 3, each pass over the files once per round; decode, rules: 25)')
    .option('--input <path...>', 'pipeline, decode: measure over these files (pipeline: folders too, e.g. a vigil simulate telemetry/ folder) instead of a generated workload')
    .option('--syscall-rules <path...>', 'rules: syscall rule files (default: the official Falco rules when present)')
    .option('--k8s-rules <path...>', 'rules: k8s_audit rule files (default: the official k8saudit rules when present)')
    .option('--case <name>', 'rules: measure one case only, in this process: simulated, process-starts or k8s')
    .option('--duration <s>', 'ingest: seconds of load (default 60)')
    .option('--connections <n>', 'ingest: concurrent connections (default 8)')
    .option('--batch <n>', 'ingest: records per request (default 100)')
    .action(async (target: string, opts: BenchOptions) => {
      setStatus(await benchCommand(target, opts, io, cli.env));
    });

  program
    .command('simulate')
    .description('generate realistic telemetry of a modelled cluster and AWS account, with injected attacks and a ground truth (truth.json)')
    .option('--out <dir>', 'output directory: telemetry/ (Tetragon, Falco, audit, CloudTrail files) and truth.json')
    .option('--seed <n>', 'the same seed gives the same output', '1')
    .option('--start <time>', 'event time of the first record (RFC 3339)', '2026-11-02T08:00:00Z')
    .option('--duration <d>', 'event time to cover: 30m, 6h, 2d…', '6h')
    .option('--rate <n>', 'runtime background events per second, averaged over the day (default: the model\'s own, about 90; audit and CloudTrail keep their natural rate)')
    .option('--nodes <n>', 'cluster nodes', '3')
    .option('--workloads <n>', 'application workloads besides the system DaemonSets', '7')
    .option('--scenario <name>', 'scenario id, intent, attacks, benign, all or none (repeatable; default all)', collect, [])
    .option('--list', 'list the scenarios and exit')
    .option('--force', 'replace an earlier simulation in --out')
    .action(async (opts: SimulateCommandOptions) => {
      setStatus(await simulateCommand(opts, io));
    });

  program
    .command('eval')
    .description('run Vigil over scenarios (scenario files, or simulations with truth.json) and compare with the ground truth')
    .argument('<path...>', 'scenario files (*.yaml), folders of them (e.g. scenarios/), or vigil simulate output folders')
    .option('--json', 'print the evaluation as JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      setStatus(await evalCommand(paths, opts, io));
    });

  program
    .command('serve')
    .description('run the live service: ingestion endpoints, storage, query API, live stream, web UI (contracts.md)')
    .option('--config <file>', 'settings file (YAML or JSON); flags and VIGIL_* variables override it')
    .option('--port <n>', 'port to listen on (VIGIL_PORT; default 8080; 0 picks a free one)')
    .option('--host <h>', 'address to bind (VIGIL_HOST; default 127.0.0.1)')
    .option('--data <dir>', 'data folder of the embedded store (VIGIL_DATA; default ./.vigil)')
    .option('--rules <path>', 'extra rule files or directories (repeatable)', collect, [])
    .option('--no-default-rules', "do not load Vigil's default rules")
    .addOption(new Option('--rule-matching <mode>', 'first matching rule per event (as Falco) or all').choices([...RULE_MATCHING]))
    .option('--watch <dir>', 'take in telemetry files landing in this folder: CloudTrail .json/.json.gz as they complete, Tetragon .jsonl/.log tailed (repeatable)', collect, [])
    .option('--retention <duration>', 'how long raw records are kept once processed: 7d (default), 12h…, or forever')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .action(async (opts: ServeOptions) => {
      setStatus(await serveCommand(opts, io, cli.env, cli.lifecycle()));
    });

  const token = program.command('token').description('API tokens (stored as hashes; a new token is shown once)');
  token
    .command('create')
    .description('create a token and print it')
    .addOption(new Option('--role <role>', 'what it may do').choices(['ingest', 'viewer', 'analyst', 'admin']).default('viewer'))
    .option('--name <name>', 'a name to recognise it by (default: the role)')
    .option('--data <dir>', 'data folder of the embedded store (VIGIL_DATA; default ./.vigil)')
    .option('--json', 'print {id, name, role, token} as JSON')
    .action(async (opts: TokenOptions) => {
      setStatus(await tokenCreateCommand(opts, io, cli.env));
    });
  token
    .command('list')
    .description('list tokens (never their text)')
    .option('--data <dir>', 'data folder of the embedded store')
    .option('--json', 'print as JSON')
    .action(async (opts: TokenOptions) => {
      setStatus(await tokenListCommand(opts, io, cli.env));
    });
  token
    .command('revoke')
    .description('revoke a token by id or name; it stops working at once')
    .argument('<id-or-name>')
    .option('--data <dir>', 'data folder of the embedded store')
    .action(async (idOrName: string, opts: TokenOptions) => {
      setStatus(await tokenRevokeCommand(idOrName, opts, io, cli.env));
    });

  program
    .command('demo')
    .description('what `npm start` runs: the server and web UI, with a simulated cluster and AWS account replayed into it, attacks included')
    .option('--port <n>', 'port to listen on (env VIGIL_PORT)', undefined)
    .option('--host <host>', 'address to bind (env VIGIL_HOST)', undefined)
    .option('--data <dir>', 'data folder for the demo store, wiped at start (default .vigil/demo)')
    .option('--speed <factor>', 'event time replayed per wall-clock time', '15')
    .option('--duration <d>', 'event time to simulate (at least 30m)', '1h')
    .option('--seed <n>', 'simulation seed', '7')
    .action(async (opts: DemoOptions) => {
      setStatus(await demoCommand(opts, io, cli.env, cli.lifecycle()));
    });

  return program;
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo(), cli: CliEnv = { env: process.env, lifecycle: processLifecycle }): Promise<number> {
  let status = EXIT_OK;
  const program = createProgram(io, (code) => {
    status = code;
  }, cli);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    throw err;
  }
  if (argv.length === 0) {
    io.out(program.helpInformation());
  }
  return status;
}
