/**
 * What a Tetragon hook's arguments say in Falco's terms: the event type (refined by an argument
 * where the hook serves several syscalls), the named parameters (`evt.arg.flags`), the return
 * value (`evt.res`), the file descriptor the event acts on (`fd.*`) and the paths it names
 * (`fs.path.*`). Built once per event, on the first field that needs it.
 *
 * Tetragon events carry the arguments a policy declared, in the declared order, without their
 * parameter index. For syscall hooks Vigil assumes the policy declared the leading parameters
 * in order (as the example policies do) and checks each argument's kind against the syscall's
 * signature; where they disagree, only arguments whose kind is unambiguous (paths, sockets,
 * buffers) are named, and integers stay unnamed rather than guessed.
 */

import { asObject, asText, isObject, obj, str, type JsonObject } from '../../core/json.js';
import { addressKey, type FieldValue } from '../../lang/index.js';
import { MAX_ARGS } from './constants.js';
import { FD_RETURNING, OPEN_TYPES, refineType, syscallCategory, syscallParams, type Category, type HookInfo, type Param, type SocketRole } from './rule-fields-hooks.js';
import {
  absolute, base64Bytes, dirName, endpoint, joinPath, l4Proto, O_DIRECTORY, printable, renderDomain, renderMode, renderOpenFlags,
  renderPtraceRequest, toNum,
} from './rule-fields-text.js';

/** A classified hook, plus whether a tracepoint is a syscall exit. */
export type Classified = HookInfo & { readonly exit?: boolean };

export type FdKind = 'file' | 'directory' | 'ipv4' | 'ipv6' | 'unix';

/** One side-aware view of a socket the event names. */
export interface NetInfo {
  readonly kind: 'ipv4' | 'ipv6' | 'unix';
  readonly l4?: string;
  readonly lip?: string;
  readonly lport?: number;
  readonly rip?: string;
  readonly rport?: number;
  readonly role?: SocketRole;
  readonly state?: string;
  readonly path?: string;
}

export interface FdInfo {
  readonly kind: FdKind;
  /** `fd.name`: the absolute path, or the socket tuple. */
  readonly name?: string;
  /** `fd.nameraw`: the path as the process gave it. */
  readonly raw?: string;
  readonly net?: NetInfo;
}

export interface FsPaths {
  readonly name?: string;
  readonly nameraw?: string;
  readonly source?: string;
  readonly sourceraw?: string;
  readonly target?: string;
  readonly targetraw?: string;
}

/** Path-based syscalls: they name files but act on no file descriptor (Falco sets fs.path.*, not fd.*). */
const PATH_TYPES: ReadonlySet<string> = new Set([
  'unlink', 'unlinkat', 'mkdir', 'mkdirat', 'rmdir', 'rename', 'renameat', 'renameat2', 'symlink', 'symlinkat',
  'link', 'linkat', 'chmod', 'fchmodat', 'chown', 'lchown', 'fchownat', 'truncate', 'chdir', 'chroot', 'mount',
  'umount', 'umount2', 'execve', 'execveat', 'pivot_root',
]);

/** Types whose two paths are a source and a target (`fs.path.source`/`target`). */
const TWO_PATHS: Readonly<Record<string, readonly [string, string]>> = {
  rename: ['oldpath', 'newpath'], renameat: ['oldpath', 'newpath'], renameat2: ['oldpath', 'newpath'],
  link: ['oldpath', 'newpath'], linkat: ['oldpath', 'newpath'],
  symlink: ['target', 'linkpath'], symlinkat: ['target', 'linkpath'],
};

const MODE_TYPES: ReadonlySet<string> = new Set(['open', 'openat', 'creat', 'chmod', 'fchmod', 'fchmodat', 'mkdir', 'mkdirat']);

const AT_FDCWD = -100;

/** The member that says which kind of argument this is (KprobeArgument is a oneof). */
function argKind(a: JsonObject): string | undefined {
  for (const k in a) if (k !== 'label') return k;
  return undefined;
}

export function intOf(a: JsonObject | undefined): number | undefined {
  if (a === undefined) return undefined;
  // Each member read at its own site (see asText in core/json.ts), in the order int, long, uint, size.
  let v = a['int_arg'];
  if (v === undefined) v = a['long_arg'];
  if (v === undefined) v = a['uint_arg'];
  if (v === undefined) v = a['size_arg'];
  return v === undefined ? undefined : toNum(v);
}

/**
 * A pseudo-file's d_path (`socket:[1234]`, `pipe:[99]`, `anon_inode:[eventfd]`): no filesystem
 * path, although old agents drop the leading `/` of real ones too (`etc/passwd`).
 */
function anonymous(raw: string): boolean {
  if (raw.startsWith('anon_inode:')) return true;
  const colon = raw.indexOf(':[');
  if (colon <= 0) return false;
  const slash = raw.indexOf('/');
  return slash < 0 || slash > colon;
}

/** The path of a file/path/binprm argument (absolute), or undefined (also for pseudo-files). */
function filePath(a: JsonObject): { path: string; dir: boolean } | undefined {
  // A file, path or binprm argument, each member read at its own site (see asText in core/json.ts).
  let f = asObject(a['file_arg']);
  let p = asText(f?.['path']);
  if (p === undefined) {
    f = asObject(a['path_arg']);
    p = asText(f?.['path']);
  }
  if (p === undefined) {
    f = asObject(a['linux_binprm_arg']);
    p = asText(f?.['path']);
  }
  if (p === undefined) return undefined;
  return anonymous(p) ? undefined : { path: absolute(p), dir: asText(f?.['permission'])?.startsWith('d') === true };
}

function compatible(kind: Param['kind'], k: string | undefined): boolean {
  if (k === undefined) return false;
  switch (kind) {
    case 'any':
      return true;
    case 'int':
      return k === 'int_arg' || k === 'long_arg' || k === 'uint_arg' || k === 'size_arg';
    case 'fd':
      return k === 'int_arg' || k === 'long_arg' || k === 'uint_arg' || k === 'file_arg' || k === 'sock_arg';
    case 'path':
      return k === 'string_arg' || k === 'file_arg' || k === 'path_arg' || k === 'linux_binprm_arg';
    case 'str':
      return k === 'string_arg';
    case 'buf':
      return k === 'bytes_arg' || k === 'truncated_bytes_arg' || k === 'string_arg';
    case 'addr':
      return k === 'sockaddr_arg' || k === 'sockaddrun_arg' || k === 'sock_arg';
  }
}

/** Which parameter kinds an argument may fill when positions cannot be trusted. */
function fillsByKind(k: string | undefined): readonly Param['kind'][] {
  switch (k) {
    case 'file_arg':
      return ['path', 'fd'];
    case 'path_arg':
    case 'linux_binprm_arg':
    case 'string_arg':
      return ['path', 'str'];
    case 'sockaddr_arg':
    case 'sockaddrun_arg':
      return ['addr'];
    case 'sock_arg':
      return ['fd', 'addr'];
    case 'bytes_arg':
    case 'truncated_bytes_arg':
      return ['buf'];
    default:
      return [];
  }
}

/** Generic text of an argument, the way Falco prints parameters. */
function renderArg(a: JsonObject): string | undefined {
  const k = argKind(a);
  switch (k) {
    case undefined:
      return undefined;
    case 'string_arg':
      return str(a, k) ?? '';
    case 'int_arg':
    case 'long_arg':
    case 'uint_arg':
    case 'size_arg': {
      const n = intOf(a);
      return n === undefined ? undefined : String(n);
    }
    case 'file_arg':
    case 'path_arg':
    case 'linux_binprm_arg':
      return filePath(a)?.path;
    case 'sock_arg': {
      const s = obj(a, k);
      const sa = asText(s?.['saddr']);
      const da = asText(s?.['daddr']);
      if (sa === undefined || da === undefined) return undefined;
      return `${endpoint(sa, toNum(s?.['sport']))}->${endpoint(da, toNum(s?.['dport']))}`;
    }
    case 'sockaddr_arg': {
      const s = obj(a, k);
      const addr = asText(s?.['addr']);
      return addr === undefined ? undefined : endpoint(addr, toNum(s?.['port']));
    }
    case 'sockaddrun_arg':
      return str(obj(a, k), 'path');
    case 'bytes_arg': {
      const b = str(a, k);
      return b === undefined ? '' : printable(base64Bytes(b));
    }
    case 'truncated_bytes_arg': {
      const b = str(obj(a, k), 'bytes_arg');
      return b === undefined ? '' : printable(base64Bytes(b));
    }
    case 'capability_arg':
      return str(obj(a, k), 'name');
    case 'module_arg':
    case 'net_dev_arg':
      return str(obj(a, k), 'name');
    case 'error_arg':
      return str(obj(a, k), 'Message');
    case 'kernel_cap_t_arg':
    case 'cap_inheritable_arg':
    case 'cap_permitted_arg':
    case 'cap_effective_arg':
    case 'bpf_cmd_arg':
      return str(a, k);
    default:
      return undefined;
  }
}

/** Is `ip` the wildcard address a socket shows before it is bound or connected? */
function unspecified(ip: string | undefined): boolean {
  return ip === undefined || ip === '0.0.0.0' || ip === '::';
}

function ipKind(family: string | undefined, ip: string | undefined): 'ipv4' | 'ipv6' {
  if (family === 'AF_INET6') return 'ipv6';
  if (family === 'AF_INET') return 'ipv4';
  return ip !== undefined && ip.includes(':') ? 'ipv6' : 'ipv4';
}

/** Where relative paths resolve: the subject's working directory (the event view). */
export interface CwdSource {
  readonly cwd: string | undefined;
}

const NO_ARGS: readonly JsonObject[] = Object.freeze([]);

/** How the arguments of one hook were named: for the type, the kinds in order and their names. */
interface Layout {
  readonly type: string;
  readonly kinds: readonly (string | undefined)[];
  readonly names: readonly (string | undefined)[];
}

/** Hooks whose last layout is kept (kprobe classifications are cached per name, at most a few thousand). */
const MAX_LAYOUTS = 1024;

/** Whether the arguments have these kinds, in order (each argument has one kind member besides `label`). */
function sameKinds(args: readonly JsonObject[], kinds: readonly (string | undefined)[]): boolean {
  if (args.length !== kinds.length) return false;
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i];
    if (k === undefined || (args[i] as JsonObject)[k] === undefined) return false;
  }
  return true;
}

/** Everything the arguments of one hook event say; fields read it lazily. */
export class HookView {
  info: Classified;
  kind: string;
  body: JsonObject;
  /** Whether the event is the exit of its call (Falco's `<`). */
  exit: boolean;
  readonly #where: CwdSource;
  #args: readonly JsonObject[] | undefined;
  /** Each argument's kind (its one member besides `label`), read once. */
  #kinds: (string | undefined)[] | undefined;
  #type: string | undefined;
  /** The Falco parameter each argument fills, by argument index (see #names). */
  #named: readonly (string | undefined)[] | undefined;
  /**
   * The last argument layout seen per hook (this view serves every event of its field table in
   * turn): a policy's events of one hook carry the same arguments, so their names are worked
   * out once, not per event.
   */
  readonly #layouts = new Map<Classified, Layout>();
  #params: readonly Param[] | undefined;
  #fd: FdInfo | null | undefined;
  #paths: FsPaths | null | undefined;
  #descriptor: { path: string; dir: boolean } | null | undefined;
  /** The socket's local and remote address keys (null: none), and both as one list. */
  #localKey: string | number | null | undefined;
  #remoteKey: string | number | null | undefined;
  #bothKeys: FieldValue | null | undefined;

  constructor(kind: string, body: JsonObject, info: Classified, where: CwdSource) {
    this.kind = kind;
    this.body = body;
    this.info = info;
    this.#where = where;
    this.exit = HookView.#exits(kind, body, info);
  }

  /** Makes this the view of another event's hook (the event view reuses one; see EventView). */
  reset(kind: string, body: JsonObject, info: Classified): void {
    this.kind = kind;
    this.body = body;
    this.info = info;
    this.exit = HookView.#exits(kind, body, info);
    this.#args = undefined;
    this.#kinds = undefined;
    this.#type = undefined;
    this.#named = undefined;
    this.#params = undefined;
    this.#fd = undefined;
    this.#paths = undefined;
    this.#descriptor = undefined;
    this.#localKey = undefined;
    this.#remoteKey = undefined;
    this.#bothKeys = undefined;
  }

  static #exits(kind: string, body: JsonObject, info: Classified): boolean {
    return info.exit === true || ((kind === 'process_kprobe' || kind === 'process_uprobe') && isObject(body['return']));
  }

  /** The arguments the policy declared (objects only, at most MAX_ARGS). */
  get args(): readonly JsonObject[] {
    if (this.#args === undefined) {
      const raw = this.body['args'];
      if (!Array.isArray(raw)) {
        this.#args = NO_ARGS;
      } else {
        // The record's own array when it holds only objects (it always does from Tetragon);
        // a copy without the others otherwise.
        const n = Math.min(raw.length, MAX_ARGS);
        let plain = n === raw.length;
        for (let i = 0; plain && i < n; i++) plain = isObject(raw[i]);
        this.#args = plain ? (raw as JsonObject[]) : raw.slice(0, n).filter(isObject);
      }
    }
    return this.#args;
  }

  /** The return value, when the event carries one (a kprobe with a return probe). */
  get ret(): number | undefined {
    return intOf(asObject(this.body['return']));
  }

  /** Falco's event type, refined by an argument for multi-purpose hooks. */
  get type(): string {
    if (this.#type === undefined) {
      const { refine } = this.info;
      // Each refinement reads one argument: fd_install the file it installs, the others an integer.
      const refined = refine === undefined ? undefined
        : refine === 'fd_install' ? refineType(refine, undefined, this.#descriptorFile()?.path)
        : refineType(refine, this.#firstInt(), undefined);
      this.#type = refined ?? this.info.type;
    }
    return this.#type;
  }

  get syscall(): boolean {
    return this.type === this.info.type ? this.info.syscall : syscallParams(this.type) !== undefined;
  }

  get category(): Category {
    return this.type === this.info.type ? this.info.category : syscallCategory(this.type);
  }

  get params(): readonly Param[] | undefined {
    if (this.#params === undefined) this.#params = this.type === this.info.type ? this.info.params : syscallParams(this.type);
    return this.#params;
  }

  #firstInt(): number | undefined {
    const args = this.args;
    for (let i = 0; i < args.length; i++) {
      const n = intOf(args[i]);
      if (n !== undefined) return n;
    }
    return undefined;
  }

  /** `#firstFile(true)`, kept: the type refinement and the descriptor both read it. */
  #descriptorFile(): { path: string; dir: boolean } | undefined {
    if (this.#descriptor === undefined) this.#descriptor = this.#firstFile(true) ?? null;
    return this.#descriptor ?? undefined;
  }

  /**
   * The first path argument; with `descriptor`, only a `file_arg` (an open struct file): a
   * `path_arg` or the `linux_binprm_arg` of an exec check names a file no descriptor refers to.
   */
  #firstFile(descriptor = false): { path: string; dir: boolean } | undefined {
    const args = this.args;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as JsonObject;
      if (descriptor && a['file_arg'] === undefined) continue;
      const f = filePath(a);
      if (f !== undefined) return f;
    }
    return undefined;
  }

  /** Each argument's kind, in `args` order. */
  get #argKinds(): readonly (string | undefined)[] {
    if (this.#kinds === undefined) {
      const args = this.args;
      const kinds: (string | undefined)[] = [];
      for (let i = 0; i < args.length; i++) kinds.push(argKind(args[i] as JsonObject));
      this.#kinds = kinds;
    }
    return this.#kinds;
  }

  /**
   * The parameter name of each argument, by index (undefined where none): a plain array, as a
   * hook has a handful of arguments and this is built for every event that names one.
   */
  #names(): readonly (string | undefined)[] {
    if (this.#named !== undefined) return this.#named;
    const type = this.type;
    const known = this.#layouts.get(this.info);
    if (known !== undefined && known.type === type && sameKinds(this.args, known.kinds)) {
      this.#named = known.names;
      return known.names;
    }
    const named: (string | undefined)[] = [];
    const ps = this.params;
    const kinds = this.#argKinds;
    const n = kinds.length;
    if (ps !== undefined && ps.length > 0) {
      let positional = this.info.positional && this.type === this.info.type && n <= ps.length;
      for (let i = 0; positional && i < n; i++) positional = compatible((ps[i] as Param).kind, kinds[i]);
      if (positional) {
        for (let i = 0; i < n; i++) named.push((ps[i] as Param).name);
      } else {
        // Each argument takes the first parameter of a kind it can fill that no earlier
        // argument took (`named` holds the taken ones).
        for (let i = 0; i < n; i++) {
          const fills = fillsByKind(kinds[i]);
          let taken: string | undefined;
          for (let f = 0; taken === undefined && f < fills.length; f++) {
            for (let j = 0; j < ps.length; j++) {
              const q = ps[j] as Param;
              if (q.kind !== fills[f] || named.includes(q.name)) continue;
              taken = q.name;
              break;
            }
          }
          named.push(taken);
        }
      }
    }
    this.#named = named;
    if (this.#layouts.size < MAX_LAYOUTS || this.#layouts.has(this.info)) this.#layouts.set(this.info, { type, kinds, names: named });
    return named;
  }

  /** The argument for Falco parameter `name`. */
  named(name: string): JsonObject | undefined {
    const i = this.#names().indexOf(name);
    return i < 0 ? undefined : this.args[i];
  }

  /** The parameter name of argument `i`, when known. */
  nameOf(i: number): string | undefined {
    return this.#names()[i];
  }

  /** A named parameter's number (flags, fd, uid…). */
  namedNumber(name: string): number | undefined {
    return intOf(this.named(name));
  }

  /** Falco's text for a parameter: flags, modes and a few enums symbolic, the rest as written. */
  namedText(name: string): string | undefined {
    const a = this.named(name);
    return a === undefined ? undefined : this.#render(name, a);
  }

  #render(name: string | undefined, a: JsonObject): string | undefined {
    const n = intOf(a);
    if (n !== undefined && name !== undefined) {
      const type = this.type;
      if (name === 'flags' && OPEN_TYPES.has(type)) return renderOpenFlags(n);
      if (name === 'mode' && MODE_TYPES.has(type)) return renderMode(n);
      if (name === 'request' && type === 'ptrace') return renderPtraceRequest(n);
      if (name === 'domain' && type === 'socket') return renderDomain(n);
    }
    return renderArg(a);
  }

  /** `evt.arg[i]`: the i-th argument the policy declared. */
  argText(i: number): string | undefined {
    const a = this.args[i];
    return a === undefined ? undefined : this.#render(this.nameOf(i), a);
  }

  /** `evt.args`: `res=… name=value…`. */
  argsText(): string {
    const parts: string[] = [];
    const ret = this.ret;
    if (ret !== undefined) parts.push(`res=${ret}`);
    this.args.forEach((a, i) => {
      const name = this.nameOf(i);
      const v = this.#render(name, a);
      if (v !== undefined) parts.push(name === undefined ? v : `${name}=${v}`);
    });
    return parts.join(' ');
  }

  /** The open flags of an open-family event, when the policy captured them. */
  openFlags(): number | undefined {
    return OPEN_TYPES.has(this.type) ? this.namedNumber('flags') : undefined;
  }

  /** `evt.buffer`: the I/O data the policy captured (a char_buf argument), as binary text. */
  buffer(): string | undefined {
    for (const a of this.args) {
      const b = asText(a['bytes_arg']) ?? asText(asObject(a['truncated_bytes_arg'])?.['bytes_arg']);
      if (b !== undefined) return base64Bytes(b);
    }
    return undefined;
  }

  /** `evt.buflen`: the buffer's size (the original size when Tetragon truncated it). */
  bufferLength(): number | undefined {
    for (const a of this.args) {
      const b = asText(a['bytes_arg']);
      if (b !== undefined) return base64Bytes(b).length;
      const t = asObject(a['truncated_bytes_arg']);
      if (t !== undefined) return toNum(t['orig_size']);
    }
    return undefined;
  }

  // ---- file descriptors

  /**
   * The address key (see `addressKey`) of the IP socket's local or remote end, converted once
   * per event however many address fields read it.
   */
  addressKey(end: 'local' | 'remote'): string | number | undefined {
    if (end === 'local') {
      if (this.#localKey === undefined) this.#localKey = keyOf(this.#ipNet()?.lip);
      return this.#localKey ?? undefined;
    }
    if (this.#remoteKey === undefined) this.#remoteKey = keyOf(this.#ipNet()?.rip);
    return this.#remoteKey ?? undefined;
  }

  /** Both ends' keys, local first (`fd.ip`, `fd.net`: either end may satisfy a check). */
  bothAddressKeys(): FieldValue | undefined {
    if (this.#bothKeys === undefined) {
      const net = this.#ipNet();
      if (net === undefined || (net.lip === undefined && net.rip === undefined)) {
        this.#bothKeys = null;
      } else {
        // As the text's conversion would give: an end whose address is no address drops out.
        const keys: (string | number)[] = [];
        const l = this.addressKey('local');
        const r = this.addressKey('remote');
        if (l !== undefined) keys.push(l);
        if (r !== undefined) keys.push(r);
        this.#bothKeys = keys;
      }
    }
    return this.#bothKeys ?? undefined;
  }

  #ipNet(): NetInfo | undefined {
    const net = this.fd?.net;
    return net === undefined || net.kind === 'unix' ? undefined : net;
  }

  get fd(): FdInfo | undefined {
    if (this.#fd === undefined) this.#fd = this.#socketFd() ?? this.#fileFd() ?? null;
    return this.#fd ?? undefined;
  }

  /**
   * fd.num: the new fd an open/socket/accept returned (-1 on failure), the fd fd_install
   * installs, or the syscall's fd argument when the policy captured it as an integer.
   */
  fdNum(): number | undefined {
    if (this.fd === undefined) return undefined;
    const type = this.type;
    const ret = this.ret;
    if (ret !== undefined && FD_RETURNING.has(type)) return ret >= 0 ? ret : -1;
    if (type === 'openat' && this.info.refine === 'fd_install') return this.#firstInt();
    return intOf(this.named('fd'));
  }

  #fileFd(): FdInfo | undefined {
    const type = this.type;
    if (PATH_TYPES.has(type)) return undefined;
    if (this.kind === 'process_loader') {
      const p = asText(this.body['path']);
      return p === undefined ? undefined : { kind: 'file', name: absolute(p), raw: p };
    }
    // The struct file a hook names is the descriptor's file (a policy's `fd` argument is
    // resolved by Tetragon into one).
    const file = this.#descriptorFile();
    if (file !== undefined) return { kind: file.dir ? 'directory' : 'file', name: file.path, raw: file.path };
    if (!OPEN_TYPES.has(type)) return undefined;
    const raw = asText((this.named('name') ?? this.named('pathname'))?.['string_arg']);
    if (raw === undefined) return undefined;
    const flags = this.openFlags();
    const kind: FdKind = flags !== undefined && (flags & O_DIRECTORY) !== 0 ? 'directory' : 'file';
    return { kind, raw, name: this.#resolve(raw, 'dirfd') };
  }

  /** An absolute path for `raw`, relative to the cwd when its dirfd is AT_FDCWD (or it has none). */
  #resolve(raw: string, dirParam: string): string | undefined {
    if (raw.startsWith('/')) return raw;
    const hasDirfd = this.params?.some((p) => p.name === dirParam) === true;
    const dirfd = this.namedNumber(dirParam);
    if (hasDirfd && dirfd !== AT_FDCWD) return undefined;
    const cwd = this.#where.cwd;
    return cwd === undefined ? undefined : joinPath(cwd, raw);
  }

  #socketFd(): FdInfo | undefined {
    const net = this.#net();
    if (net === undefined) return undefined;
    return net.kind === 'unix' ? { kind: net.kind, net, name: net.path } : new SocketFd(net);
  }

  #net(): NetInfo | undefined {
    const b = this.body;
    const role = this.info.role;
    switch (this.kind) {
      case 'process_connect':
      case 'process_close': {
        const lip = asText(b['source_ip']);
        const rip = asText(b['destination_ip']);
        if (lip === undefined && rip === undefined) return undefined;
        return {
          kind: ipKind(undefined, rip ?? lip), l4: l4Proto(asText(b['protocol'])),
          lip, lport: toNum(b['source_port']), rip, rport: toNum(b['destination_port']),
          role: this.kind === 'process_connect' ? 'client' : undefined,
        };
      }
      case 'process_listen': {
        const lip = asText(b['ip']);
        if (lip === undefined) return undefined;
        return { kind: ipKind(undefined, lip), l4: l4Proto(asText(b['protocol'])), lip, lport: toNum(b['port']), role: 'server' };
      }
      default:
        return this.#argNet(role);
    }
  }

  /** A socket from sock/skb/sockaddr arguments (or a returned sock, as inet_csk_accept gives). */
  #argNet(role: SocketRole | undefined): NetInfo | undefined {
    let sock: JsonObject | undefined;
    let skb: JsonObject | undefined;
    let addr: JsonObject | undefined;
    let unix: JsonObject | undefined;
    const args = this.args;
    const kinds = this.#argKinds;
    const ret = asObject(this.body['return']);
    // One pass over the arguments and the returned value (no closure: this runs per event).
    for (let i = 0; i <= args.length; i++) {
      const a = i < args.length ? args[i] : ret;
      if (a === undefined) continue;
      const k = i < args.length ? kinds[i] : argKind(a);
      if (k === 'sock_arg') sock ??= asObject(a['sock_arg']);
      else if (k === 'skb_arg') skb ??= asObject(a['skb_arg']);
      else if (k === 'sockaddr_arg') addr ??= asObject(a['sockaddr_arg']);
      else if (k === 'sockaddrun_arg') unix ??= asObject(a['sockaddrun_arg']);
    }
    if (sock !== undefined && asText(sock['family']) === 'AF_UNIX') return unix === undefined ? { kind: 'unix' } : { kind: 'unix', path: asText(unix['path']) ?? '' };
    const src = sock ?? skb;
    if (src !== undefined) {
      let rip = asText(src['daddr']);
      let rport = toNum(src['dport']);
      let lip = asText(src['saddr']);
      let lport = toNum(src['sport']);
      // Before connect() completes (or for bind) the sock has no peer: the sockaddr names it.
      const addrIp = asText(addr?.['addr']);
      if (addrIp !== undefined) {
        if (role === 'server') {
          if (unspecified(lip)) [lip, lport] = [addrIp, toNum(addr?.['port'])];
        } else if (unspecified(rip)) {
          [rip, rport] = [addrIp, toNum(addr?.['port'])];
        }
      }
      const protocol = asText(src['protocol']);
      return { kind: ipKind(asText(src['family']), rip ?? lip), l4: l4Proto(protocol), lip, lport, rip, rport, state: asText(sock?.['state']), role };
    }
    if (addr !== undefined) {
      const ip = asText(addr['addr']);
      if (ip === undefined) return undefined;
      const port = toNum(addr['port']);
      const local = role === 'server';
      const kind = ipKind(asText(addr['family']), ip);
      return local ? { kind, lip: ip, lport: port, role } : { kind, rip: ip, rport: port, role };
    }
    if (unix !== undefined) return { kind: 'unix', path: asText(unix['path']) ?? '' };
    return undefined;
  }

  // ---- paths of path-based syscalls

  get paths(): FsPaths | undefined {
    if (this.#paths === undefined) this.#paths = this.#fsPaths() ?? null;
    return this.#paths ?? undefined;
  }

  #pathParam(name: string): { raw: string; abs?: string } | undefined {
    const a = this.named(name);
    if (a === undefined) return undefined;
    const f = filePath(a);
    if (f !== undefined) return { raw: f.path, abs: f.path };
    const raw = asText(a?.['string_arg']);
    if (raw === undefined) return undefined;
    const dirParam = name === 'newpath' ? (this.type === 'linkat' ? 'newdir' : 'newdirfd') : name === 'oldpath' ? (this.type === 'linkat' ? 'olddir' : 'olddirfd') : name === 'linkpath' ? 'linkdirfd' : 'dirfd';
    const abs = name === 'target' ? raw : this.#resolve(raw, dirParam);
    return abs === undefined ? { raw } : { raw, abs };
  }

  #fsPaths(): FsPaths | undefined {
    const type = this.type;
    if (!PATH_TYPES.has(type)) return undefined;
    const two = TWO_PATHS[type];
    if (two !== undefined) {
      const s = this.#pathParam(two[0]);
      const t = this.#pathParam(two[1]);
      if (s === undefined && t === undefined) return undefined;
      return { source: s?.abs, sourceraw: s?.raw, target: t?.abs, targetraw: t?.raw };
    }
    const ps = this.params ?? [];
    const p = ps.find((q) => q.kind === 'path' && this.named(q.name) !== undefined);
    const found = p === undefined ? undefined : this.#pathParam(p.name);
    const fallback = found ?? this.#firstPathArg();
    if (fallback === undefined) return undefined;
    return { name: fallback.abs, nameraw: fallback.raw };
  }

  /** A path argument no parameter claimed (kernel hooks such as security_path_unlink). */
  #firstPathArg(): { raw: string; abs?: string } | undefined {
    const f = this.#firstFile();
    return f === undefined ? undefined : { raw: f.path, abs: f.path };
  }
}

/** The key an address compares by (null: no address, or none it can be read as). */
function keyOf(ip: string | undefined): string | number | null {
  return ip === undefined ? null : (addressKey(ip) ?? null);
}

/** An IP socket's descriptor; its name (the tuple) is written only when a field reads it. */
class SocketFd implements FdInfo {
  readonly kind: FdKind;
  readonly net: NetInfo;
  #name: string | null | undefined;

  constructor(net: NetInfo) {
    this.kind = net.kind;
    this.net = net;
  }

  get name(): string | undefined {
    if (this.#name === undefined) this.#name = socketName(this.net) ?? null;
    return this.#name ?? undefined;
  }
}

/**
 * Falco's socket `fd.name`: `client->server` when the process's side is known, else
 * `local->remote`; one endpoint alone when only one is known (a listening socket).
 */
function socketName(n: NetInfo): string | undefined {
  const local = n.lip === undefined ? undefined : endpoint(n.lip, n.lport);
  const remote = n.rip === undefined ? undefined : endpoint(n.rip, n.rport);
  if (local === undefined || remote === undefined) return local ?? remote;
  return n.role === 'server' ? `${remote}->${local}` : `${local}->${remote}`;
}

/** The directory of an fd (Falco: the containing directory, or the directory itself). */
export function fdDirectory(fd: FdInfo): string | undefined {
  if (fd.name === undefined) return undefined;
  if (fd.kind === 'directory') return fd.name;
  return fd.kind === 'file' ? dirName(fd.name) : undefined;
}
