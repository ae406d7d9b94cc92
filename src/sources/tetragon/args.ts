import { isObject, num, obj, str, type JsonObject } from '../../core/json.js';
import { MAX_ARGS, MAX_TARGET } from './constants.js';

/** What a hook's `args[]` (KprobeArgument oneofs) names: files, remote peers, and a label. */
export interface ArgScan {
  /** Absolute paths from file_arg / path_arg / linux_binprm_arg. */
  readonly files: readonly string[];
  /** Remote addresses from sock_arg.daddr (saddr is the local end). */
  readonly remotes: readonly string[];
  /** The first argument worth showing in the action (a path, peer, module, capability...). */
  readonly target?: string;
}

/** The scan being filled. */
interface Scan {
  readonly files: string[];
  readonly remotes: string[];
  target?: string;
}

/** Restores the leading slash old agents dropped; d_path output is always absolute. */
export function absPath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/** `addr:port`, with IPv6 in brackets. */
export function hostPort(addr: string, port: number | undefined): string {
  const host = addr.includes(':') ? `[${addr}]` : addr;
  return port === undefined ? host : `${host}:${port}`;
}

function clip(text: string): string {
  return text.length > MAX_TARGET ? text.slice(0, MAX_TARGET) : text;
}

const PATH_ARGS = ['file_arg', 'path_arg', 'linux_binprm_arg'] as const;

function scanPath(arg: JsonObject, scan: Scan): boolean {
  for (const key of PATH_ARGS) {
    const path = str(obj(arg, key), 'path');
    if (path !== undefined) {
      const abs = absPath(path);
      scan.files.push(abs);
      scan.target ??= clip(abs);
      return true;
    }
  }
  return false;
}

function scanSock(arg: JsonObject, scan: Scan): boolean {
  const sock = obj(arg, 'sock_arg');
  if (sock === undefined) return false;
  const daddr = str(sock, 'daddr');
  if (daddr !== undefined) {
    scan.remotes.push(daddr);
    scan.target ??= clip(hostPort(daddr, num(sock, 'dport')));
  }
  return true;
}

/** A label from the other argument kinds, in the order the policy declared them. */
function labelOf(arg: JsonObject): string | undefined {
  const sockaddr = obj(arg, 'sockaddr_arg');
  const addr = str(sockaddr, 'addr');
  if (addr !== undefined) return hostPort(addr, num(sockaddr, 'port'));
  return (
    str(obj(arg, 'module_arg'), 'name') ??
    str(obj(arg, 'capability_arg'), 'name') ??
    str(obj(arg, 'sockaddrun_arg'), 'path') ??
    str(obj(arg, 'net_dev_arg'), 'name') ??
    str(arg, 'string_arg')
  );
}

/** One pass over at most MAX_ARGS arguments; non-object elements are ignored. */
export function scanArgs(args: readonly unknown[]): ArgScan {
  const scan: Scan = { files: [], remotes: [] };
  const n = Math.min(args.length, MAX_ARGS);
  for (let i = 0; i < n; i++) {
    const arg = args[i];
    if (!isObject(arg)) continue;
    if (scanPath(arg, scan) || scanSock(arg, scan) || scan.target !== undefined) continue;
    const label = labelOf(arg);
    if (label !== undefined) scan.target = clip(label);
  }
  return scan;
}
