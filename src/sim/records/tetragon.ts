/**
 * Tetragon JSON export records (`process_exec`, `process_exit`, `process_kprobe`), shaped as the
 * agent writes them: the `Process` object with `exec_id` = base64(`node:ktime:pid`), the pod
 * with its container, image and labels, the parent, `node_name` and a nanosecond `time`.
 */

import type { Node, Pod } from '../model.js';
import { isoNanos } from './time.js';

/** One process as the simulation tracks it. */
export interface SimProcess {
  readonly execId: string;
  readonly pid: number;
  readonly binary: string;
  readonly args: string;
  readonly cwd: string;
  readonly uid: number;
  readonly startMs: number;
  readonly node: Node;
  readonly pod?: Pod;
  readonly parent?: SimProcess;
  /** Whether the container process gets `pod.container.pid` 1 (the container's first process). */
  readonly containerInit?: boolean;
}

export function execIdOf(node: Node, startMs: number, pid: number): string {
  const ktime = Math.max(0, Math.round((startMs - node.bootMs) * 1e6));
  return Buffer.from(`${node.name}:${ktime}:${pid}`).toString('base64');
}

/** The host's container runtime shim, parent of every container's first process. */
export function shimOf(pod: Pod): SimProcess {
  const pid = pod.pid - 7;
  const start = pod.startMs - 900;
  return {
    execId: execIdOf(pod.node, start, pid),
    pid,
    binary: '/usr/bin/containerd-shim-runc-v2',
    args: `-namespace k8s.io -id ${pod.containerId} -address /run/containerd/containerd.sock`,
    cwd: `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${pod.containerId}`,
    uid: 0,
    startMs: start,
    node: pod.node,
  };
}

/** The container's first process (the workload's main program). */
export function mainOf(pod: Pod): SimProcess {
  const w = pod.workload;
  return {
    execId: execIdOf(pod.node, pod.startMs, pod.pid),
    pid: pod.pid,
    binary: w.main.binary,
    args: w.main.args,
    cwd: '/app',
    uid: w.uid,
    startMs: pod.startMs,
    node: pod.node,
    pod,
    parent: shimOf(pod),
    containerInit: true,
  };
}

function podObject(p: SimProcess, pod: Pod): Record<string, unknown> {
  const w = pod.workload;
  return {
    namespace: w.namespace,
    name: pod.name,
    container: {
      id: `containerd://${pod.containerId}`,
      name: w.container,
      image: { id: `${w.image.replace(/:[^:/]+$/, '')}@${w.imageDigest}`, name: w.image },
      start_time: `${new Date(Math.floor(pod.startMs / 1000) * 1000).toISOString().slice(0, 19)}Z`,
      pid: p.containerInit === true ? 1 : 1 + ((p.pid - pod.pid) & 0x3fff),
      ...(w.privileged ? { security_context: { privileged: true } } : {}),
    },
    pod_labels: w.labels,
    workload: w.name,
    workload_kind: w.kind,
  };
}

/** Tetragon's `Process` message. */
export function processObject(p: SimProcess): Record<string, unknown> {
  return {
    exec_id: p.execId,
    pid: p.pid,
    uid: p.uid,
    cwd: p.cwd,
    binary: p.binary,
    // Tetragon's encoder leaves out empty strings and zero values.
    ...(p.args === '' ? {} : { arguments: p.args }),
    flags: p.containerInit === true ? 'execve rootcwd clone' : 'execve clone',
    start_time: isoNanos(p.startMs, p.pid),
    auid: 4294967295,
    ...(p.pod === undefined ? {} : { pod: podObject(p, p.pod), docker: p.pod.containerId.slice(0, 31) }),
    ...(p.parent === undefined ? {} : { parent_exec_id: p.parent.execId }),
    tid: p.pid,
  };
}

function envelope(kind: string, body: Record<string, unknown>, p: SimProcess, timeMs: number): Record<string, unknown> {
  return { [kind]: body, node_name: p.node.name, time: isoNanos(timeMs, p.pid) };
}

export function processExec(p: SimProcess): Record<string, unknown> {
  const body: Record<string, unknown> = { process: processObject(p) };
  if (p.parent !== undefined) body['parent'] = processObject(p.parent);
  return envelope('process_exec', body, p, p.startMs);
}

export function processExit(p: SimProcess, timeMs: number, status = 0, signal = ''): Record<string, unknown> {
  const body: Record<string, unknown> = { process: processObject(p) };
  if (p.parent !== undefined) body['parent'] = processObject(p.parent);
  if (signal !== '') body['signal'] = signal;
  if (status !== 0) body['status'] = status;
  body['time'] = isoNanos(timeMs, p.pid);
  return envelope('process_exit', body, p, timeMs);
}

/** A kprobe event: `args` as Tetragon writes them (`file_arg`, `int_arg`, `sock_arg`…). */
export function kprobe(p: SimProcess, timeMs: number, fn: string, args: readonly object[], policy: string, ret?: object): Record<string, unknown> {
  const body: Record<string, unknown> = { process: processObject(p) };
  if (p.parent !== undefined) body['parent'] = processObject(p.parent);
  body['function_name'] = fn;
  body['args'] = args;
  if (ret !== undefined) body['return'] = ret;
  body['action'] = 'KPROBE_ACTION_POST';
  body['policy_name'] = policy;
  return envelope('process_kprobe', body, p, timeMs);
}

/** `security_file_permission` (read: mask 4, write: mask 2), as Tetragon's file-monitoring policy reports it. */
export function fileAccess(p: SimProcess, timeMs: number, path: string, write: boolean): Record<string, unknown> {
  return kprobe(p, timeMs, 'security_file_permission', [{ file_arg: { path, permission: '-rw-r--r--' } }, { int_arg: write ? 2 : 4 }], 'file-monitoring', { int_arg: 0 });
}

/** `fd_install`: a file opened (the descriptor and the file). */
export function fileOpen(p: SimProcess, timeMs: number, path: string, fd = 3): Record<string, unknown> {
  return kprobe(p, timeMs, 'fd_install', [{ int_arg: fd }, { file_arg: { path, permission: '-rw-r--r--' } }], 'file-monitoring');
}

/** `tcp_connect` to `daddr:dport` from the pod's (or node's) address. */
export function tcpConnect(p: SimProcess, timeMs: number, daddr: string, dport: number, sport: number): Record<string, unknown> {
  const saddr = p.pod?.ip ?? p.node.ip;
  return kprobe(p, timeMs, 'tcp_connect', [{ sock_arg: { family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP', saddr, daddr, sport, dport, cookie: String(sport * 7919), state: 'TCP_SYN_SENT' } }], 'network-connect');
}
