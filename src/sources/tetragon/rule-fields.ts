/**
 * Falco's syscall-source fields over Vigil's decoded Tetragon events, so the official syscall
 * rules compile and run unchanged on them. The mapping, field by field, with what Tetragon
 * cannot supply, is docs/fields/syscall.md.
 *
 * A field Tetragon does not report is declared (rules referencing it compile) and extracts
 * nothing: every comparison on it is false, as in Falco when a value is unavailable. Nothing is
 * guessed: no user names from uids, no fd numbers Tetragon did not capture, no result for a call
 * whose return was not probed.
 *
 * Cost: the compiler memoizes each field per event; the fields of one event share one derived
 * view (rule-fields-view.ts), cached for the event being evaluated, so a deep path is read once
 * whatever the number of fields that need it. Extraction never serialises JSON and uses no
 * regular expression.
 */

import type { VigilEvent } from '../../core/event.js';
import { asObject, asText, isObject, obj, type JsonObject } from '../../core/json.js';
import type { FieldSpec, FieldType, FieldValue, Scalar } from '../../lang/fields.js';
import { fdDirectory, type Classified, type FdInfo, type FsPaths, type NetInfo } from './rule-fields-args.js';
import { classifyFunction, classifyTracepoint, OPEN_TYPES, READ_TYPES, syscallParams, WRITE_TYPES } from './rule-fields-hooks.js';
import { baseName, O_CREAT, O_RDWR, O_TMPFILE, O_WRONLY, renderResult, S_IXUGO, splitArgs, toNum } from './rule-fields-text.js';
import { EventView, levelArgs, levelName, runtimeOf, withoutScheme, type AncestryLookup, type Classifier, type Placement, type ProcLevel } from './rule-fields-view.js';

export type { AncestryLookup, AncestorRecord } from './rule-fields-view.js';

type Extractor = (v: EventView, arg: string | undefined) => FieldValue | undefined;

interface Options {
  readonly arg?: 'required' | 'optional';
  readonly list?: boolean;
  readonly any?: boolean;
  /** For address fields: the value as address keys (FieldSpec.extractKeys). */
  readonly keys?: Extractor;
}

/** A field declaration before it is bound to the table's view cache. */
interface Decl {
  readonly name: string;
  readonly type: FieldType;
  readonly extract: Extractor;
  readonly options: Options;
}

const NOTHING: Extractor = () => undefined;

function field(name: string, type: FieldType, extract: Extractor, options: Options = {}): Decl {
  return { name, type, extract, options };
}

/** A Falco field Tetragon cannot supply (the reason is in docs/fields/syscall.md). */
function missing(name: string, type: FieldType, options: Options = {}): Decl {
  return { name, type, extract: NOTHING, options };
}

// ---- small readers

/** A non-negative integer index argument (`proc.aname[2]`), or undefined. */
function index(arg: string | undefined): number | undefined {
  if (arg === undefined || arg === '' || arg.length > 4) return undefined;
  let n = 0;
  for (let i = 0; i < arg.length; i++) {
    const d = arg.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

const nameOf = levelName;
const exeOf = (l: ProcLevel | undefined): string | undefined => l?.binary;
const argsOf = levelArgs;

function cmdlineOf(l: ProcLevel | undefined): string | undefined {
  const name = nameOf(l);
  if (name === undefined) return undefined;
  const args = argsOf(l);
  return args === undefined || args === '' ? name : `${name} ${args}`;
}

/** An ancestor field: `[n]` is the n-th level, no index is every ancestor (parent first). */
function ancestral(get: (l: ProcLevel | undefined) => Scalar | undefined): Extractor {
  return (v, arg) => {
    if (arg === undefined) {
      const out: Scalar[] = [];
      for (const a of v.ancestors()) {
        const x = get(a);
        if (x !== undefined) out.push(x);
      }
      return out.length === 0 ? undefined : out;
    }
    const n = index(arg);
    return n === undefined ? undefined : get(v.level(n));
  };
}

function placed(get: (p: Placement) => FieldValue | undefined): Extractor {
  return (v) => {
    const p = v.placement;
    return p === undefined ? undefined : get(p);
  };
}

/** Kubernetes fields: nothing for host processes. */
function inPod(get: (p: Placement) => FieldValue | undefined): Extractor {
  return placed((p) => (p.id === 'host' ? undefined : get(p)));
}

function nsIsHost(which: string): Extractor {
  return placed((p) => {
    if (p.id === 'host' || p.ns === undefined) return undefined;
    return obj(p.ns, which)?.['is_host'] === true;
  });
}

function proc(v: EventView): JsonObject | undefined {
  return v.proc;
}

function capabilities(set: string): Extractor {
  return (v) => {
    const caps = obj(proc(v), 'cap')?.[set];
    if (!Array.isArray(caps)) return undefined;
    let out = '';
    for (const c of caps) if (typeof c === 'string') out = out === '' ? c : `${out} ${c}`;
    return out;
  };
}

/** `process.environment_variables`: `[{Key, Value}]` (protojson keeps the proto's field names). */
function environment(v: EventView, arg: string | undefined): string | undefined {
  const vars = proc(v)?.['environment_variables'];
  if (!Array.isArray(vars)) return undefined;
  let all = '';
  for (const o of vars) {
    if (!isObject(o)) continue;
    const key = asText(o?.['Key']) ?? asText(o?.['key']);
    if (key === undefined) continue;
    const value = typeof o['Value'] === 'string' ? o['Value'] : typeof o['value'] === 'string' ? o['value'] : '';
    if (arg !== undefined) {
      if (key === arg) return value;
    } else {
      all = all === '' ? `${key}=${value}` : `${all} ${key}=${value}`;
    }
  }
  return arg === undefined ? all : undefined;
}

const SHELLS: ReadonlySet<string> = new Set(['ash', 'bash', 'csh', 'ksh', 'sh', 'tcsh', 'zsh', 'dash', 'fish']);

/** The pid of the oldest shell among the process and its known ancestors. */
function loginShell(v: EventView): number | undefined {
  let pid: number | undefined;
  const self = v.level(0);
  for (const l of self === undefined ? [] : [self, ...v.ancestors()]) {
    const name = nameOf(l);
    if (name !== undefined && SHELLS.has(name) && l.pid !== undefined) pid = l.pid;
  }
  return pid;
}

function eventNanos(v: EventView): number {
  return Math.round(v.event.timeMs * 1e6);
}

/**
 * Nanoseconds from `start` to the event. Tetragon stamps an exec event a few hundred
 * nanoseconds before the process's own start_time, and times are exact only to about 250 ns
 * as numbers: a negative result is an exec at its start, 0.
 */
function sinceStart(v: EventView, start: string | undefined): number | undefined {
  const ns = EventView.nanos(start);
  return ns === undefined ? undefined : Math.max(0, eventNanos(v) - ns);
}

// ---- event type and result

function isExec(v: EventView): boolean {
  return v.event.kind === 'process_exec';
}

/** The return value: an exec event is a successful execve; kprobes carry it when probed. */
function result(v: EventView): number | undefined {
  return isExec(v) ? 0 : v.hook?.ret;
}

function direction(v: EventView): string | undefined {
  const h = v.hook;
  if (h === undefined) return undefined;
  if (isExec(v)) return '<';
  if (v.event.kind === 'process_exit') return '>';
  return h.exit ? '<' : '>';
}

/** Named parameters of the exec and exit events, which have no Tetragon `args`. */
function processArg(v: EventView, name: string): string | undefined {
  if (isExec(v)) {
    const self = v.level(0);
    switch (name) {
      case 'exe':
      case 'filename':
        return exeOf(self);
      case 'args':
        return argsOf(self);
      case 'comm':
        return nameOf(self);
      case 'pid':
        return self?.pid === undefined ? undefined : String(self.pid);
      case 'cwd':
        return v.cwd;
      case 'uid':
      case 'loginuid': {
        const n = toNum(proc(v)?.[name === 'uid' ? 'uid' : 'auid']);
        return n === undefined ? undefined : String(name === 'loginuid' && n === 4294967295 ? -1 : n);
      }
      case 'res':
        return '0';
      default:
        return undefined;
    }
  }
  if (v.event.kind === 'process_exit') {
    const body = v.body;
    if (name === 'status') {
      const s = toNum(body?.['status']);
      return s === undefined ? '0' : String(s);
    }
    if (name === 'sig') return asText(body?.['signal']);
  }
  return undefined;
}

function argByName(v: EventView, arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  if (isExec(v) || v.event.kind === 'process_exit') return processArg(v, arg);
  const h = v.hook;
  if (h === undefined) return undefined;
  const i = index(arg);
  if (i !== undefined) return h.argText(i);
  if (arg === 'res') {
    const r = h.ret;
    return r === undefined ? undefined : r >= 0 ? String(r) : `${r}(${renderResult(r)})`;
  }
  return h.namedText(arg);
}

function rawArg(v: EventView, arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined;
  if (arg === 'res') return result(v);
  if (isExec(v) || v.event.kind === 'process_exit') return toNum(processArg(v, arg));
  return v.hook?.namedNumber(arg);
}

function argsText(v: EventView): string | undefined {
  if (isExec(v)) {
    const self = v.level(0);
    return self?.binary === undefined ? undefined : `res=0 exe=${self.binary} args=${argsOf(self) ?? ''}`;
  }
  if (v.event.kind === 'process_exit') {
    const sig = processArg(v, 'sig');
    return `status=${processArg(v, 'status') ?? '0'}${sig === undefined ? '' : ` sig=${sig}`}`;
  }
  return v.hook?.argsText();
}

// ---- open flags (evt.is_open_*)

const CREAT_FLAGS = O_CREAT | O_WRONLY | 0o1000;

/** The open flags of an open-family event: undefined when the policy did not capture them. */
function openFlags(v: EventView): { open: boolean; flags?: number } | undefined {
  const h = v.hook;
  if (h === undefined) return undefined;
  if (!OPEN_TYPES.has(h.type)) return { open: false };
  const flags = h.type === 'creat' ? CREAT_FLAGS : h.openFlags();
  return flags === undefined ? undefined : { open: true, flags };
}

function isOpen(test: (flags: number, v: EventView) => boolean | undefined): Extractor {
  return (v) => {
    const o = openFlags(v);
    if (o === undefined) return undefined;
    return o.open && o.flags !== undefined ? test(o.flags, v) : false;
  };
}

const readable = (flags: number): boolean => (flags & 3) !== O_WRONLY;
const writable = (flags: number): boolean => (flags & 3) === O_WRONLY || (flags & 3) === O_RDWR;

/** Created with an execute bit: the mode decides, and is needed only when the open creates. */
function createsExecutable(flags: number, v: EventView): boolean | undefined {
  if ((flags & (O_CREAT | O_TMPFILE)) === 0) return false;
  const mode = v.hook?.namedNumber('mode');
  return mode === undefined ? undefined : (mode & S_IXUGO) !== 0;
}

function io(kind: 'any' | 'read' | 'write'): Extractor {
  return (v) => {
    const h = v.hook;
    if (h === undefined) return undefined;
    const r = READ_TYPES.has(h.type);
    const w = WRITE_TYPES.has(h.type);
    return kind === 'read' ? r : kind === 'write' ? w : r || w;
  };
}

// ---- file descriptors

const TYPECHAR: Readonly<Record<FdInfo['kind'], string>> = { file: 'f', directory: 'd', ipv4: '4', ipv6: '6', unix: 'u' };

function fdOf(get: (fd: FdInfo) => FieldValue | undefined): Extractor {
  return (v) => {
    const fd = v.hook?.fd;
    return fd === undefined ? undefined : get(fd);
  };
}

function netOf(get: (n: NetInfo) => FieldValue | undefined): Extractor {
  return fdOf((fd) => (fd.net === undefined || fd.net.kind === 'unix' ? undefined : get(fd.net)));
}

/** Client/server ends: known when the hook says which side the process is. */
function side(which: 'client' | 'server', part: 'ip' | 'port'): Extractor {
  return netOf((n) => {
    if (n.role === undefined) return undefined;
    const local = (n.role === 'client') === (which === 'client');
    if (part === 'ip') return local ? n.lip : n.rip;
    return local ? n.lport : n.rport;
  });
}

/** The address key of a socket end, for the address fields (see Options.keys). */
function endKey(end: 'local' | 'remote'): Extractor {
  return (v) => v.hook?.addressKey(end);
}

/** The client or server end's key: known when the hook says which side the process is. */
function sideKey(which: 'client' | 'server'): Extractor {
  return (v) => {
    const h = v.hook;
    const role = h?.fd?.net?.role;
    if (h === undefined || role === undefined) return undefined;
    return h.addressKey((role === 'client') === (which === 'client') ? 'local' : 'remote');
  };
}

const bothKeys: Extractor = (v) => v.hook?.bothAddressKeys();

/** `fd.ip`/`fd.port`/`fd.net`: either end (any-of semantics; see the doc for `!=`). */
function eitherEnd(part: 'ip' | 'port'): Extractor {
  return netOf((n) => {
    const a = part === 'ip' ? n.lip : n.lport;
    const b = part === 'ip' ? n.rip : n.rport;
    const out: Scalar[] = [];
    if (a !== undefined) out.push(a);
    if (b !== undefined) out.push(b);
    return out.length === 0 ? undefined : out;
  });
}

function fsPath(get: (p: FsPaths) => string | undefined): Extractor {
  return (v) => {
    const p = v.hook?.paths;
    return p === undefined ? undefined : get(p);
  };
}

// ---- the table

/** Every field of the syscall source, in Falco's classes. */
function declarations(): Decl[] {
  return [
    // evt: the event
    // Falco's event number counts events from 1; offline, the record's line in its input does
    // (never 0, so the rules' `never_true`, `evt.num = 0`, stays false).
    field('evt.num', 'number', (v) => v.event.origin.line),
    field('evt.time', 'string', (v) => `${v.time.clock}.${v.time.nanos}`),
    field('evt.time.s', 'string', (v) => v.time.clock),
    field('evt.time.iso8601', 'string', (v) => `${v.time.date}T${v.time.clock}.${v.time.nanos}Z`),
    field('evt.datetime', 'string', (v) => `${v.time.date} ${v.time.clock}.${v.time.nanos}`),
    field('evt.datetime.s', 'string', (v) => `${v.time.date} ${v.time.clock}`),
    field('evt.rawtime', 'number', (v) => eventNanos(v)),
    field('evt.rawtime.s', 'number', (v) => Math.floor(v.event.timeMs / 1000)),
    field('evt.rawtime.ns', 'number', (v) => Number(v.time.nanos)),
    field('evt.source', 'string', () => 'syscall'),
    field('evt.hostname', 'string', (v) => asText(v.payload?.['node_name'])),
    field('evt.is_async', 'bool', () => false),
    field('evt.type', 'string', (v) => v.hook?.type),
    field('evt.dir', 'string', direction),
    field('syscall.type', 'string', (v) => (v.hook?.syscall === true ? v.hook.type : undefined)),
    field('evt.category', 'string', (v) => v.hook?.category),
    field('evt.args', 'string', argsText),
    field('evt.info', 'string', argsText),
    field('evt.arg', 'string', argByName, { arg: 'required' }),
    field('evt.rawarg', 'number', rawArg, { arg: 'required' }),
    field('evt.res', 'string', (v) => {
      const r = result(v);
      return r === undefined ? undefined : renderResult(r);
    }),
    field('evt.rawres', 'number', result),
    field('evt.failed', 'bool', (v) => {
      const r = result(v);
      return r === undefined ? undefined : r < 0;
    }),
    field('evt.buffer', 'bytes', (v) => v.hook?.buffer()),
    field('evt.buflen', 'number', (v) => v.hook?.bufferLength()),
    field('evt.is_io', 'bool', io('any')),
    field('evt.is_io_read', 'bool', io('read')),
    field('evt.is_io_write', 'bool', io('write')),
    field('evt.io_dir', 'string', (v) => {
      const h = v.hook;
      if (h === undefined) return undefined;
      return READ_TYPES.has(h.type) ? 'r' : WRITE_TYPES.has(h.type) ? 'w' : undefined;
    }),
    field('evt.is_open_read', 'bool', isOpen(readable)),
    field('evt.is_open_write', 'bool', isOpen(writable)),
    field('evt.is_open_exec', 'bool', isOpen(createsExecutable)),
    missing('evt.is_open_create', 'bool'),
    missing('evt.latency', 'number'),
    missing('evt.cpu', 'number'),
    missing('evt.abspath', 'string', { arg: 'optional' }),

    // proc: the process (level 0), its parent (1) and ancestors
    field('proc.name', 'string', (v) => nameOf(v.level(0))),
    field('proc.exe', 'string', (v) => exeOf(v.level(0))),
    field('proc.exepath', 'string', (v) => exeOf(v.level(0))),
    field('proc.args', 'string', (v) => argsOf(v.level(0))),
    field('proc.cmdline', 'string', (v) => cmdlineOf(v.level(0))),
    field('proc.exeline', 'string', (v) => {
      const self = v.level(0);
      const args = argsOf(self);
      return self?.binary === undefined ? undefined : args === '' ? self.binary : `${self.binary} ${args ?? ''}`;
    }),
    field('proc.cmdnargs', 'number', (v) => {
      const self = v.level(0);
      return self?.binary === undefined ? undefined : self.arguments === undefined ? 0 : splitArgs(self.arguments).length;
    }),
    field('proc.cmdlenargs', 'number', (v) => {
      const self = v.level(0);
      if (self?.binary === undefined) return undefined;
      let n = 0;
      for (const a of self.arguments === undefined ? [] : splitArgs(self.arguments)) n += a.length;
      return n;
    }),
    field('proc.pid', 'number', (v) => v.level(0)?.pid),
    field('proc.ppid', 'number', (v) => v.level(1)?.pid),
    field('proc.vpid', 'number', (v) => {
      const self = v.level(0);
      return self?.vpid ?? (v.placement?.id === 'host' ? self?.pid : undefined);
    }),
    field('proc.pvpid', 'number', (v) => {
      const parent = v.level(1);
      return parent?.vpid ?? (v.placement?.id === 'host' ? parent?.pid : undefined);
    }),
    field('proc.pname', 'string', (v) => nameOf(v.level(1))),
    field('proc.pexe', 'string', (v) => exeOf(v.level(1))),
    field('proc.pexepath', 'string', (v) => exeOf(v.level(1))),
    field('proc.pcmdline', 'string', (v) => cmdlineOf(v.level(1))),
    field('proc.aname', 'string', ancestral(nameOf), { arg: 'optional', any: true }),
    field('proc.aexe', 'string', ancestral(exeOf), { arg: 'optional', any: true }),
    field('proc.aexepath', 'string', ancestral(exeOf), { arg: 'optional', any: true }),
    field('proc.acmdline', 'string', ancestral(cmdlineOf), { arg: 'optional', any: true }),
    field('proc.apid', 'number', ancestral((l) => l?.pid), { arg: 'optional', any: true }),
    field('proc.cwd', 'string', (v) => v.cwd),
    field('proc.env', 'string', environment, { arg: 'optional' }),
    field('proc.loginshellid', 'number', loginShell),
    field('proc.duration', 'number', (v) => sinceStart(v, v.level(0)?.startTime)),
    field('proc.ppid.duration', 'number', (v) => sinceStart(v, v.level(1)?.startTime)),
    field('proc.pid.ts', 'number', (v) => EventView.nanos(v.level(0)?.startTime)),
    field('proc.ppid.ts', 'number', (v) => EventView.nanos(v.level(1)?.startTime)),
    field('proc.is_exe_from_memfd', 'bool', (v) => {
      const exe = exeOf(v.level(0));
      return exe === undefined ? undefined : exe.startsWith('/memfd:') || exe.startsWith('memfd:');
    }),
    field('proc.exe_ino', 'number', (v) => toNum(obj(obj(obj(proc(v), 'binary_properties'), 'file'), 'inode')?.['number'])),
    missing('proc.is_exe_writable', 'bool'),
    missing('proc.is_exe_upper_layer', 'bool'),
    missing('proc.exe_ino.ctime', 'number'),
    missing('proc.exe_ino.mtime', 'number'),
    missing('proc.exe_ino.ctime_duration_proc_start', 'number'),
    missing('proc.exe_ino.ctime_duration_pidns_start', 'number'),
    missing('proc.pidns_init_start_ts', 'number'),
    missing('proc.tty', 'number'),
    missing('proc.sid', 'number'),
    missing('proc.sname', 'string'),
    missing('proc.sid.exe', 'string'),
    missing('proc.sid.exepath', 'string'),
    missing('proc.is_sid_leader', 'bool'),
    missing('proc.vpgid', 'number'),
    missing('proc.vpgid.name', 'string'),
    missing('proc.vpgid.exe', 'string'),
    missing('proc.vpgid.exepath', 'string'),
    missing('proc.is_vpgid_leader', 'bool'),
    missing('proc.is_container_healthcheck', 'bool'),
    missing('proc.is_container_liveness_probe', 'bool'),
    missing('proc.is_container_readiness_probe', 'bool'),
    missing('proc.nthreads', 'number'),
    missing('proc.nchilds', 'number'),
    missing('proc.fdopencount', 'number'),

    // thread
    field('thread.tid', 'number', (v) => toNum(proc(v)?.['tid'])),
    field('thread.ismain', 'bool', (v) => {
      const tid = toNum(proc(v)?.['tid']);
      const pid = v.level(0)?.pid;
      return tid === undefined || pid === undefined ? undefined : tid === pid;
    }),
    missing('thread.vtid', 'number'),
    field('thread.cap_effective', 'string', capabilities('effective')),
    field('thread.cap_permitted', 'string', capabilities('permitted')),
    field('thread.cap_inheritable', 'string', capabilities('inheritable')),

    // user and group
    field('user.uid', 'number', (v) => toNum(proc(v)?.['uid'])),
    field('user.name', 'string', (v) => asText(asObject(proc(v)?.['user'])?.['name'])),
    field('user.loginuid', 'number', (v) => {
      const auid = toNum(proc(v)?.['auid']);
      return auid === 4294967295 ? -1 : auid;
    }),
    missing('user.loginname', 'string'),
    missing('user.homedir', 'string'),
    missing('user.shell', 'string'),
    field('group.gid', 'number', (v) => toNum(obj(proc(v), 'process_credentials')?.['egid'])),
    missing('group.name', 'string'),

    // container (Falco's container plugin: `host` outside containers)
    field('container.id', 'string', placed((p) => (p.id === '' ? undefined : p.id))),
    field('container.full_id', 'string', placed((p) => {
      if (p.id === 'host') return 'host';
      const full = p.rawId === undefined ? undefined : withoutScheme(p.rawId);
      // Tetragon's `docker` field holds 31 characters: only a 64-hex id is the full one.
      return full !== undefined && full.length === 64 ? full : undefined;
    })),
    field('container.name', 'string', placed((p) => p.name)),
    field('container.image', 'string', placed((p) => p.image?.image)),
    field('container.image.id', 'string', placed((p) => p.image?.imageId)),
    field('container.image.repository', 'string', placed((p) => p.image?.repository)),
    field('container.image.tag', 'string', placed((p) => p.image?.tag)),
    field('container.image.digest', 'string', placed((p) => p.image?.digest)),
    field('container.type', 'string', inPod((p) => (p.rawId === undefined ? undefined : runtimeOf(p.rawId)))),
    field('container.privileged', 'bool', inPod((p) => p.privileged)),
    field('container.start_ts', 'number', inPod((p) => EventView.nanos(p.startTime))),
    field('container.duration', 'number', (v) => {
      const p = v.placement;
      return p === undefined || p.id === 'host' ? undefined : sinceStart(v, p.startTime);
    }),
    field('container.host_pid', 'bool', nsIsHost('pid')),
    field('container.host_network', 'bool', nsIsHost('net')),
    field('container.host_ipc', 'bool', nsIsHost('ipc')),
    missing('container.mounts', 'string'),
    missing('container.mount', 'string', { arg: 'required' }),
    missing('container.mount.source', 'string', { arg: 'required' }),
    missing('container.mount.dest', 'string', { arg: 'required' }),
    missing('container.mount.mode', 'string', { arg: 'required' }),
    missing('container.mount.rdwr', 'string', { arg: 'required' }),
    missing('container.mount.propagation', 'string', { arg: 'required' }),
    missing('container.ip', 'string'),
    missing('container.cni.json', 'string'),
    missing('container.label', 'string', { arg: 'required' }),
    missing('container.labels', 'string'),
    missing('container.healthcheck', 'string'),
    missing('container.liveness_probe', 'string'),
    missing('container.readiness_probe', 'string'),
    missing('container.info', 'string'),

    // k8s
    field('k8s.ns.name', 'string', inPod((p) => p.namespace)),
    field('k8s.pod.name', 'string', inPod((p) => p.podName)),
    field('k8s.pod.uid', 'string', inPod((p) => p.podUid)),
    field('k8s.pod.id', 'string', inPod((p) => p.podUid)),
    field('k8s.pod.label', 'string', (v, arg) => {
      const labels = v.placement?.labels;
      const value = labels === undefined || arg === undefined ? undefined : labels[arg];
      return typeof value === 'string' ? value : undefined;
    }, { arg: 'required' }),
    field('k8s.pod.labels', 'string', inPod((p) => {
      if (p.labels === undefined) return undefined;
      // As the container plugin prints them: sorted, `key:value`, internal labels left out.
      return Object.keys(p.labels).sort()
        .filter((k) => !k.startsWith('annotation.') && !k.startsWith('io.kubernetes.'))
        .map((k) => {
          const value = p.labels?.[k];
          return typeof value === 'string' && value !== '' ? `${k}:${value}` : k;
        })
        .join(', ');
    })),
    missing('k8s.pod.sandbox_id', 'string'),
    missing('k8s.pod.full_sandbox_id', 'string'),
    missing('k8s.pod.ip', 'string'),
    missing('k8s.pod.cni.json', 'string'),

    // fd: the file or socket the event acts on
    field('fd.num', 'number', (v) => v.hook?.fdNum()),
    field('fd.type', 'string', fdOf((fd) => fd.kind)),
    field('fd.typechar', 'string', fdOf((fd) => TYPECHAR[fd.kind])),
    field('fd.name', 'string', fdOf((fd) => fd.name)),
    field('fd.nameraw', 'string', fdOf((fd) => (fd.kind === 'file' || fd.kind === 'directory' ? fd.raw : undefined))),
    field('fd.directory', 'string', fdOf(fdDirectory)),
    field('fd.filename', 'string', fdOf((fd) => (fd.kind === 'file' && fd.name !== undefined ? baseName(fd.name) : undefined))),
    field('fd.containername', 'string', (v) => {
      const id = v.placement?.id;
      const name = v.hook?.fd?.name;
      return id === undefined || id === '' || name === undefined ? undefined : `${id}${name}`;
    }),
    field('fd.containerdirectory', 'string', (v) => {
      const id = v.placement?.id;
      const fd = v.hook?.fd;
      const dir = fd === undefined ? undefined : fdDirectory(fd);
      return id === undefined || id === '' || dir === undefined ? undefined : `${id}${dir}`;
    }),
    field('fd.cip', 'ipaddr', side('client', 'ip'), { keys: sideKey('client') }),
    field('fd.sip', 'ipaddr', side('server', 'ip'), { keys: sideKey('server') }),
    field('fd.lip', 'ipaddr', netOf((n) => n.lip), { keys: endKey('local') }),
    field('fd.rip', 'ipaddr', netOf((n) => n.rip), { keys: endKey('remote') }),
    field('fd.ip', 'ipaddr', eitherEnd('ip'), { any: true, keys: bothKeys }),
    field('fd.cport', 'number', side('client', 'port')),
    field('fd.sport', 'number', side('server', 'port')),
    field('fd.lport', 'number', netOf((n) => n.lport)),
    field('fd.rport', 'number', netOf((n) => n.rport)),
    field('fd.port', 'number', eitherEnd('port'), { any: true }),
    field('fd.cnet', 'ipnet', side('client', 'ip'), { keys: sideKey('client') }),
    field('fd.snet', 'ipnet', side('server', 'ip'), { keys: sideKey('server') }),
    field('fd.lnet', 'ipnet', netOf((n) => n.lip), { keys: endKey('local') }),
    field('fd.rnet', 'ipnet', netOf((n) => n.rip), { keys: endKey('remote') }),
    field('fd.net', 'ipnet', eitherEnd('ip'), { any: true, keys: bothKeys }),
    field('fd.l4proto', 'string', netOf((n) => n.l4)),
    field('fd.sockfamily', 'string', fdOf((fd) => (fd.net === undefined ? undefined : fd.net.kind === 'unix' ? 'unix' : 'ip'))),
    field('fd.is_server', 'bool', fdOf((fd) => (fd.net?.role === undefined ? undefined : fd.net.role === 'server'))),
    field('fd.connected', 'bool', netOf((n) => (n.state === undefined ? undefined : n.state === 'TCP_ESTABLISHED'))),
    missing('fd.name_changed', 'bool'),
    missing('fd.cip.name', 'string'),
    missing('fd.sip.name', 'string'),
    missing('fd.lip.name', 'string'),
    missing('fd.rip.name', 'string'),
    missing('fd.proto', 'string', { any: true }),
    missing('fd.cproto', 'string'),
    missing('fd.sproto', 'string'),
    missing('fd.lproto', 'string'),
    missing('fd.rproto', 'string'),
    missing('fd.uid', 'string'),
    missing('fd.dev', 'number'),
    missing('fd.dev.major', 'number'),
    missing('fd.dev.minor', 'number'),
    missing('fd.ino', 'number'),
    missing('fd.types', 'string', { arg: 'optional', list: true }),

    // fs.path: the paths of path-based syscalls (unlink, mkdir, rename…)
    field('fs.path.name', 'string', fsPath((p) => p.name)),
    field('fs.path.nameraw', 'string', fsPath((p) => p.nameraw)),
    field('fs.path.source', 'string', fsPath((p) => p.source)),
    field('fs.path.sourceraw', 'string', fsPath((p) => p.sourceraw)),
    field('fs.path.target', 'string', fsPath((p) => p.target)),
    field('fs.path.targetraw', 'string', fsPath((p) => p.targetraw)),
  ];
}

// ---- hook classification, cached per table

const EXEC: Classified = { type: 'execve', syscall: true, category: 'process', positional: false, params: syscallParams('execve') ?? [] };
const EXIT: Classified = { type: 'procexit', syscall: false, category: 'process', positional: false };
const CONNECT: Classified = { type: 'connect', syscall: true, category: 'net', positional: false, role: 'client' };
const CLOSE: Classified = { type: 'close', syscall: true, category: 'file', positional: false };
const LISTEN: Classified = { type: 'listen', syscall: true, category: 'net', positional: false, role: 'server' };

/** Cached classifications: kprobe function names are few, and each is classified once. */
const CACHE_LIMIT = 4096;

/** Most recently classified function names compared before the cache is asked (see createClassifier). */
const RECENT = 8;

function createClassifier(): Classifier {
  const cache = new Map<string, Classified>();
  const others = new Map<string, Classified>();
  // A node's policies probe a handful of functions. Each event's name is a fresh string, which a
  // map lookup must hash; comparing it with the few names seen last costs a length check for most.
  const recentNames: string[] = [];
  const recentClasses: Classified[] = [];
  let nextRecent = 0;
  const classifyNamed = (fn: string): Classified => {
    for (let i = 0; i < recentNames.length; i++) if (recentNames[i] === fn) return recentClasses[i] as Classified;
    let c = cache.get(fn);
    if (c === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      c = classifyFunction(fn);
      cache.set(fn, c);
    }
    recentNames[nextRecent] = fn;
    recentClasses[nextRecent] = c;
    nextRecent = (nextRecent + 1) % RECENT;
    return c;
  };
  return (kind, body) => {
    switch (kind) {
      case 'process_exec':
        return EXEC;
      case 'process_exit':
        return EXIT;
      case 'process_connect':
        return CONNECT;
      case 'process_close':
        return CLOSE;
      case 'process_listen':
        return LISTEN;
      case 'process_kprobe':
      case 'process_lsm': {
        return classifyNamed(asText(body?.['function_name']) ?? kind.slice(8));
      }
      case 'process_tracepoint': {
        const subsys = asText(body?.['subsys']);
        const event = asText(body?.['event']);
        const key = `\0${subsys ?? ''}/${event ?? ''}`;
        let c = cache.get(key);
        if (c === undefined) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          c = classifyTracepoint(subsys, event);
          cache.set(key, c);
        }
        return c;
      }
      default: {
        // uprobe, usdt, loader, throttle…: no syscall; the event kind names it.
        let c = others.get(kind);
        if (c === undefined) {
          c = { type: kind.startsWith('process_') ? kind.slice(8) : kind, syscall: false, category: 'other', positional: false };
          if (others.size < 64) others.set(kind, c);
        }
        return c;
      }
    }
  };
}

/**
 * The syscall field table. With an ancestry lookup (the run's `ProcessTree`), `proc.aname[N]`
 * and friends reach ancestors the event does not carry; without one they stop at the event's
 * `parent`/`ancestors` and what enrichment added.
 *
 * The derived view of the event being evaluated is kept in a one-event slot owned by this
 * table: the compiler evaluates every field of one event before the next, so one slot saves the
 * re-derivation without a map entry per event.
 */
export function createSyscallFields(lookup?: AncestryLookup): readonly FieldSpec<VigilEvent>[] {
  const classify = createClassifier();
  let lastEvent: VigilEvent | undefined;
  let lastView: EventView | undefined;
  const viewOf = (event: VigilEvent): EventView => {
    if (lastView === undefined) lastView = new EventView(event, lookup, classify);
    else if (event !== lastEvent) lastView.reset(event);
    lastEvent = event;
    return lastView;
  };
  return declarations().map((d): FieldSpec<VigilEvent> => {
    const { extract } = d;
    const keys = d.options.keys;
    const spec: FieldSpec<VigilEvent> = {
      name: d.name,
      type: d.type,
      ...(d.options.list === true ? { list: true } : {}),
      ...(d.options.any === true ? { anyWithoutArg: true } : {}),
      ...(d.options.arg === undefined ? {} : { arg: d.options.arg }),
      ...(extract === NOTHING ? { never: true } : {}),
      extract: extract === NOTHING ? () => undefined : (event, arg) => (event.source === 'tetragon' ? extract(viewOf(event), arg) : undefined),
      ...(keys === undefined ? {} : { extractKeys: (event: VigilEvent, arg: string | undefined) => (event.source === 'tetragon' ? keys(viewOf(event), arg) : undefined) }),
    };
    return Object.freeze(spec);
  });
}

/** Falco's syscall-source fields over Tetragon events (ancestry from the events themselves). */
export const SYSCALL_FIELDS: readonly FieldSpec<VigilEvent>[] = Object.freeze(createSyscallFields());
