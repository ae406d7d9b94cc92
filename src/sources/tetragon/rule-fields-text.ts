/**
 * Pure text helpers for the Falco syscall fields over Tetragon events: Falco's renderings of
 * names, command lines, flags, errors and times. No state; each runs only when a rule reads the
 * field that needs it, and none uses a regular expression (they run per event).
 */

/** Linux TASK_COMM_LEN is 16 with the terminating NUL: `comm` keeps at most 15 characters. */
const COMM_MAX = 15;

/** The last path component (`/usr/bin/curl` → `curl`); a name without slash is itself. */
export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

/** The directory part (`/etc/passwd` → `/etc`, `/x` → `/`); undefined for a bare name. */
export function dirName(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return undefined;
  return slash === 0 ? '/' : path.slice(0, slash);
}

/**
 * Falco's `proc.name` is the kernel's `comm`: the basename of the executed file, cut to 15
 * characters (the official lists hold such cut names: `containerd-shim`, `hddtemp.postins`).
 * Tetragon reports the path, so the name is derived the way the kernel derives comm at exec.
 */
export function commOf(binary: string): string {
  const name = baseName(binary);
  return name.length > COMM_MAX ? name.slice(0, COMM_MAX) : name;
}

/** Restores the leading slash old agents dropped from d_path output. */
export function absolute(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** Joins a relative path to a directory (`/root/` + `a` → `/root/a`). */
export function joinPath(dir: string, rel: string): string {
  return dir.endsWith('/') ? `${dir}${rel}` : `${dir}/${rel}`;
}

/**
 * Tetragon's `arguments` is argv[1..] joined by spaces, an argument containing a space wrapped in
 * double quotes (without escaping; a leading space when it is the first). Falco's `proc.args` is
 * the plain join, so the quotes are removed. Ambiguous only for an argument that itself holds a
 * `"` followed by a space; then the split follows the first such quote.
 */
export function splitArgs(raw: string): string[] {
  const out: string[] = [];
  const n = raw.length;
  let p = raw.startsWith(' "') ? 1 : 0;
  while (p < n) {
    if (raw.charCodeAt(p) === 34) {
      let end = raw.indexOf('" ', p + 1);
      if (end < 0) end = raw.endsWith('"') && n - 1 > p ? n - 1 : n;
      out.push(raw.slice(p + 1, end));
      p = end + 2;
    } else {
      let end = raw.indexOf(' ', p);
      if (end < 0) end = n;
      out.push(raw.slice(p, end));
      p = end + 1;
    }
  }
  return out;
}

/** Falco's `proc.args` from Tetragon's `arguments`: unchanged unless quotes must go. */
export function falcoArgs(raw: string): string {
  return raw.includes('"') ? splitArgs(raw).join(' ') : raw;
}

/** A number from a JSON number or a decimal string (Tetragon writes 64-bit values as strings). */
export function toNum(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  const c = v.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

// ---- flag renderings (Falco's evt.arg text for the parameters the official rules test)

type FlagTable = readonly (readonly [number, string])[];

function renderFlags(value: number, table: FlagTable): string {
  let out = '';
  for (const [bit, name] of table) {
    if ((value & bit) === bit && bit !== 0) out = out === '' ? name : `${out}|${name}`;
  }
  return out;
}

/**
 * open(2) flags, x86-64 values (arm64 differs only for O_DIRECTORY, O_NOFOLLOW, O_DIRECT and
 * O_LARGEFILE, which no official rule tests), in the order Falco prints them.
 */
const O_ACCMODE = 3;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_DIRECTORY = 0o200000;
export const O_TMPFILE = 0o20000000;
const OPEN_FLAGS: FlagTable = [
  [0o100000, 'O_LARGEFILE'],
  [O_DIRECTORY, 'O_DIRECTORY'],
  [0o40000, 'O_DIRECT'],
  [0o1000, 'O_TRUNC'],
  [0o4010000, 'O_SYNC'],
  [0o4000, 'O_NONBLOCK'],
  [0o200, 'O_EXCL'],
  [0o10000, 'O_DSYNC'],
  [0o2000, 'O_APPEND'],
  [O_CREAT, 'O_CREAT'],
];
const OPEN_FLAGS_TAIL: FlagTable = [
  [0o2000000, 'O_CLOEXEC'],
  [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'],
  [0o10000000, 'O_PATH'],
  [O_TMPFILE, 'O_TMPFILE'],
];

/** `577` → `O_TRUNC|O_CREAT|O_WRONLY`, the text Falco's `evt.arg.flags` shows for open flags. */
export function renderOpenFlags(flags: number): string {
  const acc = flags & O_ACCMODE;
  const mode = acc === O_RDWR ? 'O_RDWR' : acc === O_WRONLY ? 'O_WRONLY' : 'O_RDONLY';
  const head = renderFlags(flags, OPEN_FLAGS);
  const tail = renderFlags(flags & ~O_DIRECTORY, OPEN_FLAGS_TAIL);
  let out = head === '' ? mode : `${head}|${mode}`;
  if (tail !== '') out = `${out}|${tail}`;
  return out;
}

export const S_IXUGO = 0o111;
const MODE_FLAGS: FlagTable = [
  [0o1, 'S_IXOTH'],
  [0o2, 'S_IWOTH'],
  [0o4, 'S_IROTH'],
  [0o10, 'S_IXGRP'],
  [0o20, 'S_IWGRP'],
  [0o40, 'S_IRGRP'],
  [0o100, 'S_IXUSR'],
  [0o200, 'S_IWUSR'],
  [0o400, 'S_IRUSR'],
  [0o1000, 'S_ISVTX'],
  [0o2000, 'S_ISGID'],
  [0o4000, 'S_ISUID'],
];

/** `0o4755` → `S_IXOTH|S_IROTH|…|S_ISUID`, as Falco renders chmod/open/mkdir modes. */
export function renderMode(mode: number): string {
  return renderFlags(mode, MODE_FLAGS);
}

const PTRACE_REQUESTS: ReadonlyMap<number, string> = new Map([
  [0, 'PTRACE_TRACEME'], [1, 'PTRACE_PEEKTEXT'], [2, 'PTRACE_PEEKDATA'], [3, 'PTRACE_PEEKUSR'],
  [4, 'PTRACE_POKETEXT'], [5, 'PTRACE_POKEDATA'], [6, 'PTRACE_POKEUSR'], [7, 'PTRACE_CONT'],
  [8, 'PTRACE_KILL'], [9, 'PTRACE_SINGLESTEP'], [12, 'PTRACE_GETREGS'], [13, 'PTRACE_SETREGS'],
  [14, 'PTRACE_GETFPREGS'], [15, 'PTRACE_SETFPREGS'], [16, 'PTRACE_ATTACH'], [17, 'PTRACE_DETACH'],
  [24, 'PTRACE_SYSCALL'], [0x4200, 'PTRACE_SETOPTIONS'], [0x4201, 'PTRACE_GETEVENTMSG'],
  [0x4202, 'PTRACE_GETSIGINFO'], [0x4203, 'PTRACE_SETSIGINFO'], [0x4204, 'PTRACE_GETREGSET'],
  [0x4205, 'PTRACE_SETREGSET'], [0x4206, 'PTRACE_SEIZE'], [0x4207, 'PTRACE_INTERRUPT'],
  [0x4208, 'PTRACE_LISTEN'], [0x4209, 'PTRACE_PEEKSIGINFO'],
]);

export function renderPtraceRequest(request: number): string {
  return PTRACE_REQUESTS.get(request) ?? String(request);
}

const ADDRESS_FAMILIES: ReadonlyMap<number, string> = new Map([
  [0, 'AF_UNSPEC'], [1, 'AF_LOCAL'], [2, 'AF_INET'], [10, 'AF_INET6'], [16, 'AF_NETLINK'], [17, 'AF_PACKET'],
  [3, 'AF_AX25'], [4, 'AF_IPX'], [5, 'AF_APPLETALK'], [9, 'AF_X25'], [15, 'AF_KEY'], [29, 'AF_CAN'],
  [31, 'AF_BLUETOOTH'], [38, 'AF_ALG'], [40, 'AF_VSOCK'], [44, 'AF_XDP'],
]);

/** socket(2) domain: `17` → `AF_PACKET` (Falco's rendering of the `domain` parameter). */
export function renderDomain(domain: number): string {
  return ADDRESS_FAMILIES.get(domain) ?? String(domain);
}

/** errno names by number (Linux generic), for `evt.res`. */
const ERRNO: readonly string[] = [
  '', 'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EAGAIN', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR',
  'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS',
  'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK', 'ENOSYS', 'ENOTEMPTY', 'ELOOP',
];
const NET_ERRNO: ReadonlyMap<number, string> = new Map([
  [88, 'ENOTSOCK'], [89, 'EDESTADDRREQ'], [90, 'EMSGSIZE'], [91, 'EPROTOTYPE'], [92, 'ENOPROTOOPT'],
  [93, 'EPROTONOSUPPORT'], [95, 'EOPNOTSUPP'], [97, 'EAFNOSUPPORT'], [98, 'EADDRINUSE'],
  [99, 'EADDRNOTAVAIL'], [100, 'ENETDOWN'], [101, 'ENETUNREACH'], [103, 'ECONNABORTED'],
  [104, 'ECONNRESET'], [105, 'ENOBUFS'], [106, 'EISCONN'], [107, 'ENOTCONN'], [110, 'ETIMEDOUT'],
  [111, 'ECONNREFUSED'], [113, 'EHOSTUNREACH'], [114, 'EALREADY'], [115, 'EINPROGRESS'], [61, 'ENODATA'],
]);

/** Falco's `evt.res`: `SUCCESS`, or the error name of a negative return (`-2` → `ENOENT`). */
export function renderResult(ret: number): string {
  if (ret >= 0) return 'SUCCESS';
  const e = -ret;
  return ERRNO[e] || NET_ERRNO.get(e) || String(ret);
}

/** `IPPROTO_TCP` / `TCP` → `tcp`, Falco's `fd.l4proto` values; undefined for anything else. */
export function l4Proto(protocol: string | undefined): string | undefined {
  switch (protocol) {
    case 'IPPROTO_TCP':
    case 'TCP':
    case 'tcp':
      return 'tcp';
    case 'IPPROTO_UDP':
    case 'UDP':
    case 'udp':
    case 'IPPROTO_UDPLITE':
      return 'udp';
    case 'IPPROTO_ICMP':
    case 'IPPROTO_ICMPV6':
    case 'ICMP':
    case 'icmp':
      return 'icmp';
    case 'IPPROTO_RAW':
      return 'raw';
    default:
      return undefined;
  }
}

/** `ip:port` as Falco prints socket tuples (IPv6 unbracketed). */
export function endpoint(ip: string, port: number | undefined): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

// ---- time (the envelope's RFC 3339 UTC text, `YYYY-MM-DDTHH:MM:SS[.f…]Z`)

export interface TimeParts {
  /** `YYYY-MM-DD` */
  readonly date: string;
  /** `HH:MM:SS` */
  readonly clock: string;
  /** The fraction padded to nine digits. */
  readonly nanos: string;
}

export function timeParts(iso: string): TimeParts {
  const dot = iso.indexOf('.', 19);
  const end = iso.length - 1;
  const frac = dot < 0 ? '' : iso.slice(dot + 1, end);
  return { date: iso.slice(0, 10), clock: iso.slice(11, 19), nanos: frac.padEnd(9, '0').slice(0, 9) };
}

/** Epoch nanoseconds of an RFC 3339 time, as a number (exact to about 250 ns at today's epoch). */
export function epochNanos(ms: number): number {
  return Math.round(ms * 1e6);
}

/** Base64 (as protojson writes bytes) to a binary string, one char per byte. */
export function base64Bytes(b64: string): string {
  return Buffer.from(b64, 'base64').toString('latin1');
}

/** A buffer for display, Falco style: printable ASCII kept, the rest as `.`. */
export function printable(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    out += c >= 32 && c < 127 ? bytes[i] : '.';
  }
  return out;
}
