/**
 * Which Falco event a Tetragon hook is: the syscall behind a kprobe or tracepoint, by its
 * function name (`__x64_sys_openat`, `sys_openat`, `__sys_setuid` → the syscall), and the
 * kernel functions that stand for one syscall family (`security_file_open`, `fd_install` → an
 * open; `tcp_connect` → connect). Static data: the per-name results are cached by the field
 * table that owns the cache (see rule-fields.ts).
 *
 * Kernel functions that are not one syscall keep their own name as `evt.type` (`cap_capable`,
 * `commit_creds`, `security_bprm_check`): no official rule names them, and calling them a
 * syscall would make rules fire on something Falco never reports. In particular the bprm hooks
 * run before an exec succeeds, in the process that is about to exec: as `execve` they would
 * show the caller as `proc.name` (Falco's execve enter event, which modern Falco no longer
 * evaluates rules on) and double every `spawned_process` alert of the `process_exec` event.
 */

/** The kind of value a syscall parameter takes, to check Tetragon's arguments against it. */
export type ParamKind = 'fd' | 'int' | 'path' | 'str' | 'buf' | 'addr' | 'any';

export interface Param {
  readonly name: string;
  readonly kind: ParamKind;
}

/** Falco event categories (`evt.category`). */
export type Category = 'file' | 'net' | 'process' | 'memory' | 'system' | 'signal' | 'user' | 'ipc' | 'other';

/** Which end of a socket the traced process is. */
export type SocketRole = 'client' | 'server';

export interface HookInfo {
  /** Falco's event type, or the hook's own name when it is no syscall. */
  readonly type: string;
  /** Whether `type` is a syscall (`syscall.type` is set only then). */
  readonly syscall: boolean;
  readonly category: Category;
  /** The syscall's parameters in order (Falco's names), when `type` is a known syscall. */
  readonly params?: readonly Param[];
  /** For socket hooks: whether the process connects (client) or accepts/listens (server). */
  readonly role?: SocketRole;
  /**
   * Whether Tetragon's arguments follow the syscall's parameter order: true for syscall hooks
   * (policies declare leading parameters), false for kernel functions with other signatures.
   */
  readonly positional: boolean;
  /** Set for hooks whose syscall depends on an argument (see `refineType`). */
  readonly refine?: 'file_permission' | 'kernel_read_file' | 'kernel_load_data' | 'fd_install';
}

function params(spec: string): readonly Param[] {
  if (spec === '') return [];
  return spec.split(' ').map((p) => {
    const colon = p.indexOf(':');
    return { name: p.slice(0, colon), kind: p.slice(colon + 1) as ParamKind };
  });
}

/** Syscalls with Falco's parameter names (enter and exit parameters, `res` aside). */
const SYSCALL_PARAMS: Readonly<Record<string, string>> = {
  open: 'name:path flags:int mode:int',
  openat: 'dirfd:fd name:path flags:int mode:int',
  openat2: 'dirfd:fd name:path how:any',
  creat: 'name:path mode:int',
  execve: 'filename:path argv:any envp:any',
  execveat: 'dirfd:fd pathname:path argv:any envp:any flags:int',
  connect: 'fd:fd addr:addr addrlen:int',
  accept: 'fd:fd addr:addr addrlen:any',
  accept4: 'fd:fd addr:addr addrlen:any flags:int',
  bind: 'fd:fd addr:addr addrlen:int',
  listen: 'fd:fd backlog:int',
  socket: 'domain:int type:int proto:int',
  sendto: 'fd:fd data:buf size:int flags:int addr:addr addrlen:int',
  sendmsg: 'fd:fd msg:any flags:int',
  recvfrom: 'fd:fd data:buf size:int flags:int addr:addr addrlen:any',
  recvmsg: 'fd:fd msg:any flags:int',
  read: 'fd:fd data:buf size:int',
  write: 'fd:fd data:buf size:int',
  pread: 'fd:fd data:buf size:int pos:int',
  pwrite: 'fd:fd data:buf size:int pos:int',
  readv: 'fd:fd iov:any iovcnt:int',
  writev: 'fd:fd iov:any iovcnt:int',
  close: 'fd:fd',
  dup: 'fd:fd',
  dup2: 'oldfd:fd newfd:int',
  dup3: 'oldfd:fd newfd:int flags:int',
  setns: 'fd:fd nstype:int',
  unshare: 'flags:int',
  ptrace: 'request:int pid:int addr:int data:int',
  mount: 'dev:str dir:path type:str flags:int data:any',
  umount: 'name:path',
  umount2: 'name:path flags:int',
  mkdir: 'path:path mode:int',
  mkdirat: 'dirfd:fd path:path mode:int',
  rmdir: 'path:path',
  unlink: 'path:path',
  unlinkat: 'dirfd:fd name:path flags:int',
  rename: 'oldpath:path newpath:path',
  renameat: 'olddirfd:fd oldpath:path newdirfd:fd newpath:path',
  renameat2: 'olddirfd:fd oldpath:path newdirfd:fd newpath:path flags:int',
  symlink: 'target:str linkpath:path',
  symlinkat: 'target:str linkdirfd:fd linkpath:path',
  link: 'oldpath:path newpath:path',
  linkat: 'olddir:fd oldpath:path newdir:fd newpath:path flags:int',
  chmod: 'filename:path mode:int',
  fchmod: 'fd:fd mode:int',
  fchmodat: 'dirfd:fd filename:path mode:int',
  chown: 'path:path uid:int gid:int',
  lchown: 'path:path uid:int gid:int',
  fchown: 'fd:fd uid:int gid:int',
  fchownat: 'dirfd:fd pathname:path uid:int gid:int flags:int',
  truncate: 'path:path length:int',
  ftruncate: 'fd:fd length:int',
  chdir: 'path:path',
  fchdir: 'fd:fd',
  chroot: 'path:path',
  pivot_root: 'new_root:path put_old:path',
  setuid: 'uid:int',
  setgid: 'gid:int',
  setreuid: 'ruid:int euid:int',
  setregid: 'rgid:int egid:int',
  setresuid: 'ruid:int euid:int suid:int',
  setresgid: 'rgid:int egid:int sgid:int',
  setfsuid: 'uid:int',
  setfsgid: 'gid:int',
  init_module: 'img:buf length:int uargs:str',
  finit_module: 'fd:fd uargs:str flags:int',
  delete_module: 'name:str flags:int',
  bpf: 'cmd:int attr:any size:int',
  memfd_create: 'name:str flags:int',
  userfaultfd: 'flags:int',
  kill: 'pid:int sig:int',
  tkill: 'tid:int sig:int',
  tgkill: 'pid:int tid:int sig:int',
  mmap: 'addr:int length:int prot:int flags:int fd:fd offset:int',
  mprotect: 'addr:int length:int prot:int',
  prctl: 'option:int arg2:any arg3:any arg4:any arg5:any',
  clone: 'flags:int',
  clone3: 'args:any',
  fork: '',
  vfork: '',
  setsid: '',
  setpgid: 'pid:int pgid:int',
  capset: 'hdrp:any datap:any',
  io_uring_setup: 'entries:int params:any',
};

/** The parameter lists parsed once, at load: hooks share them. */
const PARAMS: ReadonlyMap<string, readonly Param[]> = new Map(Object.entries(SYSCALL_PARAMS).map(([name, spec]) => [name, Object.freeze(params(spec))]));

const CATEGORY_OF: Readonly<Record<string, Category>> = {
  connect: 'net', accept: 'net', accept4: 'net', bind: 'net', listen: 'net', socket: 'net',
  sendto: 'net', sendmsg: 'net', recvfrom: 'net', recvmsg: 'net',
  execve: 'process', execveat: 'process', clone: 'process', clone3: 'process', fork: 'process',
  vfork: 'process', procexit: 'process', ptrace: 'process', setns: 'process', unshare: 'process',
  prctl: 'process', setsid: 'process', setpgid: 'process', capset: 'process', chroot: 'process',
  pivot_root: 'process', chdir: 'process', fchdir: 'process',
  setuid: 'user', setgid: 'user', setreuid: 'user', setregid: 'user', setresuid: 'user',
  setresgid: 'user', setfsuid: 'user', setfsgid: 'user',
  mmap: 'memory', mprotect: 'memory', userfaultfd: 'memory',
  kill: 'signal', tkill: 'signal', tgkill: 'signal',
  mount: 'system', umount: 'system', umount2: 'system', init_module: 'system',
  finit_module: 'system', delete_module: 'system', bpf: 'system', io_uring_setup: 'system',
};

/** Kernel syscall names Falco spells differently. */
const FALCO_NAME: Readonly<Record<string, string>> = { pread64: 'pread', pwrite64: 'pwrite', sendfile64: 'sendfile' };

/** Architecture and wrapper prefixes in front of a syscall's name (longest first). */
const SYSCALL_PREFIXES = [
  '__ia32_compat_sys_', '__x64_compat_sys_', '__x32_compat_sys_', '__arm64_compat_sys_',
  '__x64_sys_', '__ia32_sys_', '__arm64_sys_', '__s390x_sys_', '__s390_sys_', '__riscv_sys_',
  '__powerpc_sys_', '__se_sys_', '__do_sys_', 'compat_sys_', 'do_sys_', '__sys_', 'ksys_', 'sys_',
];

function categoryOf(type: string): Category {
  return CATEGORY_OF[type] ?? 'file';
}

function syscallHook(name: string, role?: SocketRole): HookInfo {
  const ps = PARAMS.get(name);
  const info = { type: name, syscall: true, category: categoryOf(name), positional: true };
  return {
    ...info,
    ...(ps === undefined ? {} : { params: ps }),
    ...(role === undefined ? {} : { role }),
  };
}

/** Socket roles of the syscalls (the process is the client of what it connects to). */
const SYSCALL_ROLE: Readonly<Record<string, SocketRole>> = { connect: 'client', accept: 'server', accept4: 'server', listen: 'server', bind: 'server' };

/** The syscall a function name denotes (`__x64_sys_openat` → `openat`), or undefined. */
export function syscallName(fn: string): string | undefined {
  for (const prefix of SYSCALL_PREFIXES) {
    if (fn.startsWith(prefix) && fn.length > prefix.length) {
      const name = fn.slice(prefix.length);
      return FALCO_NAME[name] ?? name;
    }
  }
  return undefined;
}

interface KernelHook {
  /** The syscall (for a refined hook: the one it may become, documentation only). */
  readonly type: string;
  readonly role?: SocketRole;
  readonly refine?: HookInfo['refine'];
}

/**
 * Kernel functions (and LSM hooks, written without their `security_`/`bpf_lsm_` prefix) that one
 * syscall family reaches. The path-based LSM hooks are named after the `*at` syscall, which the
 * official macros list beside the plain one (`evt.type in (unlink, unlinkat)`).
 */
const KERNEL_HOOKS: Readonly<Record<string, KernelHook>> = {
  file_open: { type: 'openat' },
  vfs_open: { type: 'openat' },
  do_dentry_open: { type: 'openat' },
  do_filp_open: { type: 'openat' },
  fd_install: { type: 'openat', refine: 'fd_install' },
  file_permission: { type: 'read', refine: 'file_permission' },
  mmap_file: { type: 'mmap' },
  path_truncate: { type: 'truncate' },
  path_unlink: { type: 'unlinkat' },
  inode_unlink: { type: 'unlinkat' },
  vfs_unlink: { type: 'unlinkat' },
  path_mkdir: { type: 'mkdirat' },
  inode_mkdir: { type: 'mkdirat' },
  vfs_mkdir: { type: 'mkdirat' },
  path_rmdir: { type: 'rmdir' },
  inode_rmdir: { type: 'rmdir' },
  vfs_rmdir: { type: 'rmdir' },
  path_rename: { type: 'renameat2' },
  inode_rename: { type: 'renameat2' },
  vfs_rename: { type: 'renameat2' },
  path_symlink: { type: 'symlinkat' },
  inode_symlink: { type: 'symlinkat' },
  vfs_symlink: { type: 'symlinkat' },
  path_link: { type: 'linkat' },
  inode_link: { type: 'linkat' },
  vfs_link: { type: 'linkat' },
  path_chmod: { type: 'fchmodat' },
  path_chown: { type: 'fchownat' },
  socket_connect: { type: 'connect', role: 'client' },
  tcp_connect: { type: 'connect', role: 'client' },
  tcp_v4_connect: { type: 'connect', role: 'client' },
  tcp_v6_connect: { type: 'connect', role: 'client' },
  inet_stream_connect: { type: 'connect', role: 'client' },
  __inet_stream_connect: { type: 'connect', role: 'client' },
  ip4_datagram_connect: { type: 'connect', role: 'client' },
  ip6_datagram_connect: { type: 'connect', role: 'client' },
  socket_accept: { type: 'accept', role: 'server' },
  inet_csk_accept: { type: 'accept', role: 'server' },
  inet_accept: { type: 'accept', role: 'server' },
  socket_listen: { type: 'listen', role: 'server' },
  inet_listen: { type: 'listen', role: 'server' },
  inet_csk_listen_start: { type: 'listen', role: 'server' },
  socket_bind: { type: 'bind', role: 'server' },
  inet_bind: { type: 'bind', role: 'server' },
  inet6_bind: { type: 'bind', role: 'server' },
  socket_sendmsg: { type: 'sendmsg' },
  tcp_sendmsg: { type: 'sendmsg' },
  udp_sendmsg: { type: 'sendmsg' },
  udpv6_sendmsg: { type: 'sendmsg' },
  sock_sendmsg: { type: 'sendmsg' },
  inet_sendmsg: { type: 'sendmsg' },
  socket_recvmsg: { type: 'recvmsg' },
  tcp_recvmsg: { type: 'recvmsg' },
  udp_recvmsg: { type: 'recvmsg' },
  sock_recvmsg: { type: 'recvmsg' },
  inet_recvmsg: { type: 'recvmsg' },
  tcp_close: { type: 'close' },
  socket_create: { type: 'socket' },
  sock_create: { type: 'socket' },
  __sock_create: { type: 'socket' },
  task_kill: { type: 'kill' },
  ptrace_access_check: { type: 'ptrace' },
  sb_mount: { type: 'mount' },
  path_mount: { type: 'mount' },
  sb_umount: { type: 'umount2' },
  kernel_read_file: { type: 'finit_module', refine: 'kernel_read_file' },
  kernel_load_data: { type: 'init_module', refine: 'kernel_load_data' },
  bpf_check: { type: 'bpf' },
};

function kernelKey(fn: string): string {
  if (fn.startsWith('security_')) return fn.slice(9);
  if (fn.startsWith('bpf_lsm_')) return fn.slice(8);
  return fn;
}

/** The hook behind a kprobe or LSM function name. */
export function classifyFunction(fn: string): HookInfo {
  const sys = syscallName(fn);
  if (sys !== undefined) return syscallHook(sys, SYSCALL_ROLE[sys]);
  const k = KERNEL_HOOKS[kernelKey(fn)];
  if (k === undefined) return { type: fn, syscall: false, category: 'other', positional: false };
  // A hook whose syscall depends on an argument keeps its own name until refined (refineType).
  const type = k.refine === undefined ? k.type : fn;
  const ps = PARAMS.get(type);
  const known = ps !== undefined;
  const base = { type, syscall: known, category: known ? categoryOf(type) : 'other', positional: false };
  const withParams = ps === undefined ? base : { ...base, params: ps };
  return {
    ...withParams,
    ...(k.role === undefined ? {} : { role: k.role }),
    ...(k.refine === undefined ? {} : { refine: k.refine }),
  };
}

/** The hook behind a tracepoint: `syscalls/sys_enter_openat` is openat; others keep their event name. */
export function classifyTracepoint(subsys: string | undefined, event: string | undefined): HookInfo & { readonly exit?: boolean } {
  if (subsys === 'syscalls' && event !== undefined) {
    const enter = event.startsWith('sys_enter_');
    if (enter || event.startsWith('sys_exit_')) {
      const name = event.slice(enter ? 10 : 9);
      // Tracepoint argument indexes count the record's format fields, not syscall parameters.
      return { ...syscallHook(FALCO_NAME[name] ?? name, SYSCALL_ROLE[name]), positional: false, exit: !enter };
    }
  }
  return { type: event ?? subsys ?? 'tracepoint', syscall: false, category: 'other', positional: false };
}

/** A hook whose syscall depends on an argument; undefined keeps the hook's own type. */
export function refineType(refine: NonNullable<HookInfo['refine']>, firstInt: number | undefined, path: string | undefined): string | undefined {
  switch (refine) {
    case 'file_permission':
      // rw_verify_area checks MAY_WRITE (2) or MAY_APPEND (8) for writes, MAY_READ (4) for reads.
      if (firstInt === undefined) return undefined;
      if ((firstInt & 0xa) !== 0) return 'write';
      return (firstInt & 4) !== 0 ? 'read' : undefined;
    case 'kernel_read_file':
      // READING_MODULE: the module file of finit_module(2).
      return firstInt === 2 ? 'finit_module' : undefined;
    case 'kernel_load_data':
      // LOADING_MODULE: the module image of init_module(2).
      return firstInt === 2 ? 'init_module' : undefined;
    case 'fd_install':
      // Installs every new fd (sockets, pipes, dup…): an open only for a filesystem file
      // (`path` is undefined for pseudo-files such as `socket:[…]`).
      return path === undefined ? undefined : 'openat';
  }
}

/** Parameters of a syscall by Falco name, for hooks whose type was refined. */
export function syscallParams(type: string): readonly Param[] | undefined {
  return PARAMS.get(type);
}

export function syscallCategory(type: string): Category {
  return SYSCALL_PARAMS[type] === undefined && CATEGORY_OF[type] === undefined ? 'other' : categoryOf(type);
}

/** Falco event types of file opens (the open family the official macros test). */
export const OPEN_TYPES: ReadonlySet<string> = new Set(['open', 'openat', 'openat2', 'creat']);

/** Types whose successful return is a new file descriptor. */
export const FD_RETURNING: ReadonlySet<string> = new Set(['open', 'openat', 'openat2', 'creat', 'socket', 'accept', 'accept4', 'memfd_create', 'userfaultfd']);

export const READ_TYPES: ReadonlySet<string> = new Set(['read', 'pread', 'readv', 'preadv', 'recvfrom', 'recvmsg', 'recvmmsg']);
export const WRITE_TYPES: ReadonlySet<string> = new Set(['write', 'pwrite', 'writev', 'pwritev', 'sendto', 'sendmsg', 'sendmmsg']);
