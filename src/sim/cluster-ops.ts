/**
 * Cluster operations scenarios need beyond the Script vocabulary: pods that are not in the
 * modelled environment (created by an attacker, a rollout or an autoscaler) and their containers
 * starting as Tetragon sees it, the controllers' and kubelets' identities, audit reasons.
 */

import type { K8sIdentity, Node, Pod, Program, Workload } from './model.js';
import type { AuditRequest } from './records/k8saudit.js';
import { execIdOf, mainOf, processExec, processExit, shimOf, type SimProcess } from './records/tetragon.js';
import type { ScenarioContext } from './scenario.js';
import type { Script } from './script.js';

/** containerd on a node: the parent of every container's shim. */
export function containerdOf(node: Node): SimProcess {
  const start = node.bootMs + 14_000;
  return { execId: execIdOf(node, start, 1204), pid: 1204, binary: '/usr/bin/containerd', args: '', cwd: '/', uid: 0, startMs: start, node };
}

/** A pod the attacker makes the cluster create (it is not in the modelled environment). */
export interface NewPod {
  readonly name: string;
  readonly namespace: string;
  /** The owning workload's name (the pod's own name for a bare pod). */
  readonly workload: string;
  /** `Pod` for a bare pod, as Tetragon reports `workload_kind`. */
  readonly kind: Workload['kind'];
  readonly image: string;
  readonly container: string;
  readonly serviceAccount: string;
  readonly main: Program;
  readonly uid: number;
  readonly privileged: boolean;
  readonly hostNetwork: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/** The `Pod` of a container started at `startMs` on `node`. */
export function podOn(ctx: ScenarioContext, node: Node, spec: NewPod, startMs: number): Pod {
  const r = ctx.random;
  const workload: Workload = {
    name: spec.workload,
    namespace: spec.namespace,
    kind: spec.kind,
    role: 'worker',
    image: spec.image,
    imageDigest: `sha256:${r.hex(64)}`,
    container: spec.container,
    serviceAccount: spec.serviceAccount,
    main: spec.main,
    children: [],
    reads: [],
    writes: [],
    peers: [],
    uid: spec.uid,
    activity: 0,
    privileged: spec.privileged,
    labels: spec.labels,
  };
  const index = ctx.env.nodes.indexOf(node);
  return {
    name: spec.name,
    uid: r.uuid(),
    workload,
    node,
    ip: spec.hostNetwork ? node.ip : `10.0.${index + 1}${r.int(0, 9)}.${r.int(2, 250)}`,
    containerId: r.hex(64),
    startMs,
    pid: ctx.pids.next(node),
  };
}

function runtimeRecord(s: Script, p: SimProcess, timeMs: number, record: Record<string, unknown>): void {
  s.out.push({ source: 'tetragon', timeMs, stream: p.node.name, record });
}

/**
 * A new container starting, as Tetragon sees it: containerd starts the shim, the shim runs
 * `runc create`, and the container's first process starts under the shim. Returns that process.
 */
export function startContainer(s: Script, pod: Pod, cwd = '/'): SimProcess {
  const shim: SimProcess = { ...shimOf(pod), parent: containerdOf(pod.node) };
  runtimeRecord(s, shim, shim.startMs, processExec(shim));
  const dir = `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${pod.containerId}`;
  const runcStart = pod.startMs - 450;
  const runc: SimProcess = {
    execId: execIdOf(pod.node, runcStart, pod.pid - 3),
    pid: pod.pid - 3,
    binary: '/usr/bin/runc',
    args: `--root /run/containerd/runc/k8s.io --log ${dir}/log.json --log-format json create --bundle ${dir} --pid-file ${dir}/init.pid ${pod.containerId}`,
    cwd: dir,
    uid: 0,
    startMs: runcStart,
    node: pod.node,
    parent: shim,
  };
  runtimeRecord(s, runc, runcStart, processExec(runc));
  runtimeRecord(s, runc, pod.startMs - 30, processExit(runc, pod.startMs - 30));
  const main: SimProcess = { ...mainOf(pod), cwd, parent: shim };
  runtimeRecord(s, main, main.startMs, processExec(main));
  return main;
}

/** Changes the record of the step just added (fields the Script's records do not set). */
export function patchLast(s: Script, patch: (record: Record<string, unknown>) => void): void {
  const record = s.out[s.out.length - 1]?.record;
  if (record !== undefined) patch(record);
}

/** An audit event whose authorization reason says which binding allowed it (or why it was refused). */
export function auditWithReason(s: Script, who: K8sIdentity, seconds: number, q: AuditRequest, reason: string): void {
  s.audit(who, seconds, { ...q, reason });
}

/** The identity under which the controller manager's per-controller clients call the API. */
export function controllerAccount(env: ScenarioContext['env'], controller: string): K8sIdentity {
  const manager = env.controllers[0];
  return {
    username: `system:serviceaccount:kube-system:${controller}`,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
    userAgent: `kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/a51b3b7/system:serviceaccount:kube-system:${controller}`,
    sourceIps: manager?.sourceIps ?? [env.apiServerIp],
    hours: [0, 24],
    weekends: true,
  };
}

/** The kubelet identity of a node. */
export function kubeletOf(env: ScenarioContext['env'], node: Node): K8sIdentity {
  const k = env.controllers.find((c) => c.username === `system:node:${node.name}`);
  if (k === undefined) throw new Error(`no kubelet identity for ${node.name}`);
  return k;
}

/** Pod names' random suffix, as controllers generate them. */
export function podSuffix(ctx: ScenarioContext, n = 5): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < n; i++) out += chars[ctx.random.int(0, chars.length - 1)];
  return out;
}
