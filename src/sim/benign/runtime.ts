/**
 * Benign runtime activity on every node, in Tetragon's format: each pod's main process reads and
 * writes its files and connects to its peers, now and then starts a helper (health check, hook)
 * that runs briefly and exits; CronJobs run at the top of the hour; the kubelet works on the
 * host. Falco agents on the nodes add their usual trickle of low-priority alerts on the agents.
 */

import type { Random } from '../../core/random.js';
import { activityAt, type Emission, type Generator, type Rhythm } from '../emit.js';
import type { Environment, Node, Pod, Workload } from '../model.js';
import { falcoAlert } from '../records/falco.js';
import { execIdOf, fileAccess, fileOpen, mainOf, processExec, processExit, shimOf, tcpConnect, type SimProcess } from '../records/tetragon.js';

/** Pids handed out per node, so exec ids never repeat. */
export class PidAllocator {
  readonly #next = new Map<string, number>();

  next(node: Node): number {
    const n = this.#next.get(node.name) ?? 100_000;
    this.#next.set(node.name, n + 1 + (n % 7));
    return n;
  }
}

function rhythmOf(w: Workload): Rhythm {
  return w.role === 'web' || w.role === 'api' ? 'traffic' : 'flat';
}

/** A CronJob runs for the first three minutes of each hour. */
function cronRunning(ms: number): boolean {
  return ms % 3_600_000 < 180_000;
}

/** Where a new process runs when not as its parent does: entering a container from the host. */
export interface ChildPlacement {
  readonly uid?: number;
  readonly pod?: Pod;
  readonly cwd?: string;
}

export function child(pids: PidAllocator, parent: SimProcess, binary: string, args: string, startMs: number, at: ChildPlacement = {}): SimProcess {
  const pid = pids.next(parent.node);
  const pod = at.pod ?? parent.pod;
  return {
    execId: execIdOf(parent.node, startMs, pid),
    pid,
    binary,
    args,
    cwd: at.cwd ?? (at.pod !== undefined && parent.pod === undefined ? '/' : parent.cwd),
    uid: at.uid ?? parent.uid,
    startMs,
    node: parent.node,
    ...(pod === undefined ? {} : { pod }),
    parent,
  };
}

function kubeletOf(node: Node): SimProcess {
  const start = node.bootMs + 20_000;
  return { execId: execIdOf(node, start, 1812), pid: 1812, binary: '/usr/bin/kubelet', args: '--config /etc/kubernetes/kubelet/kubelet-config.json --kubeconfig /var/lib/kubelet/kubeconfig --container-runtime-endpoint unix:///run/containerd/containerd.sock', cwd: '/', uid: 0, startMs: start, node };
}

export interface RuntimeOptions {
  /** Multiplies every pod's activity. */
  readonly scale: number;
  readonly pids: PidAllocator;
}

export function runtimeBenign(env: Environment, random: Random, options: RuntimeOptions): Generator {
  const r = random.fork('runtime');
  const mains = new Map<Pod, SimProcess>(env.pods.map((p) => [p, mainOf(p)]));
  const shims = new Map<Pod, SimProcess>(env.pods.map((p) => [p, shimOf(p)]));
  const kubelets = env.nodes.map(kubeletOf);
  const { scale, pids } = options;

  function podEvent(pod: Pod, main: SimProcess, t: number, out: Emission[]): void {
    const w = pod.workload;
    const stream = pod.node.name;
    const x = r.next();
    if (x < 0.42 && w.reads.length > 0) out.push({ source: 'tetragon', timeMs: t, stream, record: fileAccess(main, t, r.pick(w.reads), false) });
    else if (x < 0.52 && w.writes.length > 0) out.push({ source: 'tetragon', timeMs: t, stream, record: fileAccess(main, t, r.pick(w.writes), true) });
    else if (x < 0.6 && w.reads.length > 0) out.push({ source: 'tetragon', timeMs: t, stream, record: fileOpen(main, t, r.pick(w.reads), r.int(3, 40)) });
    else if (x < 0.88 && w.peers.length > 0) {
      const [ip, port] = r.pick(w.peers);
      out.push({ source: 'tetragon', timeMs: t, stream, record: tcpConnect(main, t, ip, port, r.int(32768, 60999)) });
    } else if (w.children.length > 0) {
      const prog = r.pick(w.children);
      const c = prog.by === 'main'
        ? child(pids, main, prog.binary, prog.args, t)
        : child(pids, shims.get(pod) as SimProcess, prog.binary, prog.args, t, { pod, uid: w.uid });
      out.push({ source: 'tetragon', timeMs: t, stream, record: processExec(c) });
      const reads = r.int(0, 2);
      for (let i = 0; i < reads && w.reads.length > 0; i++) out.push({ source: 'tetragon', timeMs: t + 1 + i, stream, record: fileAccess(c, t + 1 + i, r.pick(w.reads), false) });
      const end = t + 5 + r.next() * 400;
      out.push({ source: 'tetragon', timeMs: end, stream, record: processExit(c, end) });
    }
  }

  return {
    name: 'runtime',
    emit(from, to, out) {
      const seconds = (to - from) / 1000;
      for (const [pod, main] of mains) {
        const w = pod.workload;
        if (w.kind === 'CronJob' && !cronRunning(from)) continue;
        const n = r.poisson(w.activity * scale * seconds * activityAt(rhythmOf(w), from));
        for (let i = 0; i < n; i++) podEvent(pod, main, from + r.next() * (to - from), out);
      }
      for (const k of kubelets) {
        const n = r.poisson(1.5 * scale * seconds);
        for (let i = 0; i < n; i++) {
          const t = from + r.next() * (to - from);
          const record = r.chance(0.5)
            ? fileAccess(k, t, `/var/lib/kubelet/pods/${r.pick(env.pods).uid}/volumes/kubernetes.io~projected/kube-api-access/token`, false)
            : tcpConnect(k, t, env.apiServerIp, 443, r.int(32768, 60999));
          out.push({ source: 'tetragon', timeMs: t, stream: k.node.name, record });
        }
      }
    },
  };
}

/**
 * The low-priority alerts Falco raises on a healthy cluster: the CNI agent talking to the API
 * server, and log rotation. Noise that Vigil must not turn into attacks.
 */
export function falcoBenign(env: Environment, random: Random, scale: number): Generator {
  const r = random.fork('falco');
  const agents = env.pods.filter((p) => p.workload.name === 'aws-node').map(mainOf);
  return {
    name: 'falco',
    emit(from, to, out) {
      const hours = (to - from) / 3_600_000;
      for (const a of agents) {
        const n = r.poisson(2 * scale * hours);
        for (let i = 0; i < n; i++) {
          const t = from + r.next() * (to - from);
          const lport = r.int(32768, 60999);
          const record = falcoAlert(a, t, {
            rule: 'Contact K8S API Server From Container',
            fields: { 'fd.name': `${a.pod?.ip ?? a.node.ip}:${lport}->${env.apiServerIp}:443`, 'fd.lport': lport, 'fd.rport': 443, 'fd.type': 'ipv4', 'fd.l4proto': 'tcp', 'evt.type': 'connect' },
          });
          out.push({ source: 'falco', timeMs: t, stream: a.node.name, record });
        }
      }
    },
  };
}
