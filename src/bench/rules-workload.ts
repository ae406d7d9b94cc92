/**
 * Workloads for the rule benchmark, in the real wire formats: Tetragon runtime events with the
 * mix a node produces (mostly file and network kprobes, process starts and exits, from a set of
 * workloads with realistic binaries, arguments, paths and peers) and Kubernetes audit events
 * (reads, watches, creates of pods/secrets/configmaps, execs, RBAC changes). Deterministic.
 */
import { rng, pick, hex } from '../core/random.js';

const BINARIES = [
  ['/usr/local/bin/node', 'server.js'],
  ['/usr/bin/python3', '-m gunicorn app:app'],
  ['/bin/sh', '-c /app/healthcheck.sh'],
  ['/usr/bin/curl', '-s http://localhost:8080/healthz'],
  ['/usr/sbin/nginx', '-g daemon off;'],
  ['/bin/bash', ''],
  ['/usr/bin/cat', '/etc/hosts'],
  ['/usr/bin/apt-get', 'install -y jq'],
  ['/tmp/xmrig', '--donate-level 1 -o pool.example:3333'],
  ['/usr/bin/ls', '-la /var/run/secrets/kubernetes.io/serviceaccount'],
] as const;
const PATHS = ['/etc/passwd', '/etc/shadow', '/app/config/settings.yaml', '/var/log/app.log', '/tmp/cache.bin', '/root/.ssh/authorized_keys', '/var/run/secrets/kubernetes.io/serviceaccount/token', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/proc/self/status', '/etc/ld.so.preload'];
const PEERS = [['10.0.3.12', 5432], ['10.0.7.4', 6379], ['169.254.169.254', 80], ['52.94.236.248', 443], ['198.51.100.23', 3333]] as const;
const PARENTS = ['/bin/sh', '/usr/bin/containerd-shim-runc-v2', '/usr/local/bin/node', '/usr/sbin/sshd'];
const NODES = ['ip-10-0-1-23', 'ip-10-0-2-41', 'ip-10-0-3-7'];

function iso(ms: number, nanos: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(nanos).padStart(9, '0')}Z`;
}

/**
 * The process `slot` of `node`: the same exec id always comes with the same binary, arguments,
 * pod and container (a real stream never changes them between a process's events), drawn from
 * a generator seeded by the identity.
 */
function tetragonProcess(seed: number, node: string, slot: number, t: number): Record<string, unknown> {
  const r = rng(seed ^ Math.imul(slot + 1, 0x9e3779b1) ^ Math.imul(NODES.indexOf(node) + 1, 0x85ebca6b));
  const [binary, args] = pick(r, BINARIES);
  const cid = hex(r, 64);
  const inPod = r() < 0.85;
  const pid = 1000 + slot;
  return {
    exec_id: Buffer.from(`${node}:${slot}:${pid}`).toString('base64'),
    pid,
    uid: r() < 0.7 ? 0 : 1000,
    cwd: '/app',
    binary,
    arguments: args,
    flags: 'execve clone',
    start_time: iso(t - 5000, slot),
    auid: 4294967295,
    ...(inPod
      ? {
          pod: {
            namespace: pick(r, ['shop', 'payments', 'kube-system']),
            name: `api-7d9c6b5f4-${hex(r, 5)}`,
            container: { id: `containerd://${cid}`, name: 'api', image: { id: `docker.io/acme/api@sha256:${hex(r, 64)}`, name: 'docker.io/acme/api:1.4.2' }, start_time: iso(t - 60_000, 0), pid: 7 },
            pod_labels: { app: 'api' },
            workload: 'api',
            workload_kind: 'Deployment',
          },
          docker: cid.slice(0, 31),
        }
      : {}),
    parent_exec_id: Buffer.from(`${node}:parent:${slot}`).toString('base64'),
    tid: pid,
  };
}

/** `count` Tetragon JSON lines: 25% exec, 5% exit, 45% file kprobes, 25% connects, from 15 000 processes. */
export function tetragonWorkload(count: number, seed = 7): string[] {
  const r = rng(seed);
  const start = Date.UTC(2026, 10, 2, 9, 0, 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + i;
    const node = pick(r, NODES);
    const process = tetragonProcess(seed, node, i % 5000, start);
    const parent = { ...process, exec_id: process['parent_exec_id'], binary: PARENTS[(i % 5000) % PARENTS.length], arguments: '', parent_exec_id: 'cm9vdA==' };
    const time = iso(t, (i * 7919) % 1e9);
    const k = i % 20;
    let record: Record<string, unknown>;
    if (k < 5) record = { process_exec: { process, parent }, node_name: node, time };
    else if (k < 6) record = { process_exit: { process, parent, signal: '', status: 0, time }, node_name: node, time };
    else if (k < 15) {
      const fn = pick(r, ['security_file_permission', 'security_file_open', 'fd_install']);
      const path = pick(r, PATHS);
      const args = fn === 'fd_install' ? [{ int_arg: 3 }, { file_arg: { path } }] : [{ file_arg: { path, permission: '-rw-r--r--' } }, { int_arg: r() < 0.5 ? 2 : 4 }];
      record = { process_kprobe: { process, parent, function_name: fn, args, return: { int_arg: 0 }, action: 'KPROBE_ACTION_POST', policy_name: 'file-monitoring' }, node_name: node, time };
    } else {
      const [daddr, dport] = pick(r, PEERS);
      record = {
        process_kprobe: {
          process,
          parent,
          function_name: 'tcp_connect',
          args: [{ sock_arg: { family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP', saddr: `10.0.1.${i % 250}`, daddr, sport: 30000 + (i % 30000), dport, cookie: '1', state: 'TCP_SYN_SENT' } }],
          action: 'KPROBE_ACTION_POST',
          policy_name: 'connect',
        },
        node_name: node,
        time,
      };
    }
    out.push(JSON.stringify(record));
  }
  return out;
}

/** `count` Kubernetes audit JSON lines (audit.k8s.io/v1, ResponseComplete), mostly reads. */
export function k8sAuditWorkload(count: number, seed = 11): string[] {
  const r = rng(seed);
  const start = Date.UTC(2026, 10, 2, 9, 0, 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + i;
    const ns = pick(r, ['shop', 'default', 'kube-system', 'payments']);
    const k = i % 20;
    const [verb, resource, sub] = k < 10 ? ['get', 'pods', ''] : k < 13 ? ['list', 'configmaps', ''] : k < 15 ? ['watch', 'endpoints', ''] : k < 17 ? ['create', 'pods', ''] : k < 18 ? ['create', 'pods', 'exec'] : k < 19 ? ['create', 'rolebindings', ''] : ['delete', 'secrets', ''];
    const name = resource === 'pods' ? `api-7d9c6b5f4-${hex(r, 5)}` : `obj-${hex(r, 6)}`;
    const pod = verb === 'create' && resource === 'pods' && sub === ''
      ? { kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: ns }, spec: { hostNetwork: r() < 0.1, containers: [{ name: 'api', image: pick(r, ['docker.io/acme/api:1.4.2', 'nginx:1.27', 'busybox']), securityContext: { privileged: r() < 0.1 } }], volumes: r() < 0.1 ? [{ name: 'h', hostPath: { path: '/etc' } }] : [] } }
      : undefined;
    const record = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: pod === undefined ? 'Metadata' : 'RequestResponse',
      auditID: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
      stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/${ns}/${resource}/${name}${sub === '' ? '' : `/${sub}?command=sh&container=api&stdin=true&tty=true`}`,
      verb,
      user: { username: pick(r, ['system:serviceaccount:ci:deployer', 'alice@example.com', 'system:kube-controller-manager', 'system:node:ip-10-0-1-23']), groups: ['system:authenticated'] },
      sourceIPs: [`10.0.${i % 250}.${(i * 7) % 250}`],
      userAgent: 'kubectl/v1.30.1 (linux/amd64) kubernetes/abc1234',
      objectRef: { resource, namespace: ns, name, apiVersion: 'v1', ...(sub === '' ? {} : { subresource: sub }) },
      responseStatus: { metadata: {}, code: r() < 0.95 ? 200 : 403 },
      ...(pod === undefined ? {} : { requestObject: pod, responseObject: pod }),
      requestReceivedTimestamp: iso(t, 100000),
      stageTimestamp: iso(t, 2300000),
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
    };
    out.push(JSON.stringify(record));
  }
  return out;
}
