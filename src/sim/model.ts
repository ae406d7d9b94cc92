/**
 * The simulated environment: an EKS-like cluster (nodes, namespaces, workloads and their pods,
 * controllers, CI and human identities) and the AWS account it runs in (users, roles, the nodes'
 * instance role, buckets, databases, snapshots). Everything is drawn once from the seed; the
 * generators (benign.ts, attacks/) only read it.
 */

import type { Random } from '../core/random.js';

export type WorkloadRole = 'web' | 'api' | 'worker' | 'cron' | 'db' | 'system';

/** A program a container runs: binary and Tetragon-style arguments. */
export interface Program {
  readonly binary: string;
  readonly args: string;
  /**
   * Who starts it: the container runtime (exec probes, run by the kubelet through the shim) or
   * the main process itself (workers, job steps). Default: the runtime.
   */
  readonly by?: 'runtime' | 'main';
}

export interface Workload {
  readonly name: string;
  readonly namespace: string;
  /** `Pod` for a bare pod (no controller), as Tetragon names its `workload_kind`. */
  readonly kind: 'Deployment' | 'DaemonSet' | 'StatefulSet' | 'CronJob' | 'Pod';
  readonly role: WorkloadRole;
  readonly image: string;
  readonly imageDigest: string;
  readonly container: string;
  readonly serviceAccount: string;
  readonly main: Program;
  /** Programs started in the container now and then: exec probes, workers, job steps. */
  readonly children: readonly Program[];
  /** Files the main process reads. */
  readonly reads: readonly string[];
  /** Files it writes. */
  readonly writes: readonly string[];
  /** Peers it connects to: in-cluster services and external APIs. */
  readonly peers: readonly (readonly [string, number])[];
  readonly uid: number;
  /** Runtime events per second per pod at the busiest hour. */
  readonly activity: number;
  readonly privileged: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Node {
  readonly name: string;
  readonly instanceId: string;
  readonly ip: string;
  readonly zone: string;
  /** Boot time, for exec ids (Tetragon's `node:ktime:pid`). */
  readonly bootMs: number;
}

export interface Pod {
  readonly name: string;
  readonly uid: string;
  readonly workload: Workload;
  readonly node: Node;
  readonly ip: string;
  /** 64 hex digits. */
  readonly containerId: string;
  readonly startMs: number;
  /** Host pid of the container's first process. */
  readonly pid: number;
}

export interface AwsPrincipal {
  readonly kind: 'IAMUser' | 'AssumedRole';
  readonly name: string;
  readonly arn: string;
  /** The role's ARN for assumed roles. */
  readonly roleArn?: string;
  readonly principalId: string;
  readonly accessKeyId: string;
  /** Where its calls come from normally. */
  readonly sourceIps: readonly string[];
  readonly userAgent: string;
  /** UTC hours (inclusive start, exclusive end) and whether it works weekends. */
  readonly hours: readonly [number, number];
  readonly weekends: boolean;
  readonly mfa: boolean;
  /** API calls it makes, with weights: `[eventSource, eventName, weight]`. */
  readonly calls: readonly (readonly [string, string, number])[];
  /** Calls per hour at its busiest. */
  readonly callsPerHour: number;
}

export interface K8sIdentity {
  readonly username: string;
  readonly groups: readonly string[];
  readonly userAgent: string;
  readonly sourceIps: readonly string[];
  readonly hours: readonly [number, number];
  readonly weekends: boolean;
  /** `user.extra` as EKS writes it for IAM-authenticated users (nodes: their instance role session). */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export interface Environment {
  readonly cluster: string;
  readonly accountId: string;
  readonly region: string;
  readonly apiServerIp: string;
  readonly nodes: readonly Node[];
  readonly namespaces: readonly string[];
  readonly workloads: readonly Workload[];
  readonly pods: readonly Pod[];
  readonly nodeRole: { readonly name: string; readonly arn: string; readonly roleId: string };
  readonly awsPrincipals: readonly AwsPrincipal[];
  readonly admins: readonly K8sIdentity[];
  readonly ci: K8sIdentity;
  readonly controllers: readonly K8sIdentity[];
  readonly buckets: readonly string[];
  readonly databases: readonly string[];
  readonly snapshots: readonly string[];
}

export interface EnvironmentOptions {
  readonly nodes?: number;
  /** Deployments beside the system DaemonSets (scaled from a fixed catalogue). */
  readonly workloads?: number;
  readonly startMs: number;
}

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';

/** The catalogue application workloads are drawn from, in order (then repeated with suffixes). */
const APP_CATALOGUE: readonly Omit<Workload, 'imageDigest' | 'labels' | 'serviceAccount'>[] = [
  {
    name: 'storefront', namespace: 'shop', kind: 'Deployment', role: 'web', image: 'docker.io/acme/storefront:3.8.1', container: 'web',
    main: { binary: '/usr/local/bin/node', args: '/app/server.js' },
    children: [{ binary: '/bin/sh', args: '-c /app/bin/healthcheck' }, { binary: '/usr/bin/curl', args: '-fsS http://127.0.0.1:3000/healthz' }],
    reads: ['/app/config/settings.json', '/app/public/index.html', '/etc/ssl/certs/ca-certificates.crt', '/etc/hosts', '/etc/resolv.conf'],
    writes: ['/tmp/sessions/sess_cache', '/app/logs/access.log'],
    peers: [['10.100.12.40', 8080], ['10.100.31.7', 6379], ['52.94.236.248', 443]], uid: 1000, activity: 6, privileged: false,
  },
  {
    name: 'orders-api', namespace: 'shop', kind: 'Deployment', role: 'api', image: 'docker.io/acme/orders-api:1.14.0', container: 'api',
    main: { binary: '/usr/bin/python3', args: '-m gunicorn orders.wsgi:app --bind 0.0.0.0:8080 --workers 4' },
    children: [{ binary: '/usr/bin/python3', args: '-m gunicorn orders.wsgi:app --bind 0.0.0.0:8080 --workers 4', by: 'main' }],
    reads: ['/app/orders/settings.py', '/etc/ssl/certs/ca-certificates.crt', '/etc/hosts', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
    writes: ['/tmp/gunicorn-heartbeat'],
    peers: [['10.100.8.15', 5432], ['10.100.31.7', 6379], ['52.218.48.10', 443]], uid: 1001, activity: 8, privileged: false,
  },
  {
    name: 'payments', namespace: 'payments', kind: 'Deployment', role: 'api', image: 'registry.acme.io/payments/gateway:2.2.7', container: 'gateway',
    main: { binary: '/app/gateway', args: '--config /etc/gateway/config.yaml' },
    children: [{ binary: '/app/gateway', args: 'healthcheck' }],
    reads: ['/etc/gateway/config.yaml', '/etc/ssl/certs/ca-certificates.crt', '/etc/hosts'],
    writes: ['/tmp/gateway.pid'],
    peers: [['10.100.8.15', 5432], ['54.187.216.72', 443]], uid: 65532, activity: 4, privileged: false,
  },
  {
    name: 'mailer', namespace: 'shop', kind: 'Deployment', role: 'worker', image: 'docker.io/acme/mailer:0.9.3', container: 'worker',
    main: { binary: '/usr/local/bin/ruby', args: '/app/bin/sidekiq -C config/sidekiq.yml' },
    children: [{ binary: '/bin/sh', args: '-c "ps aux | grep -q [s]idekiq"' }],
    reads: ['/app/config/sidekiq.yml', '/etc/hosts', '/etc/ssl/certs/ca-certificates.crt'],
    writes: ['/app/tmp/pids/sidekiq.pid'],
    peers: [['10.100.31.7', 6379], ['198.51.100.25', 587]], uid: 1000, activity: 2, privileged: false,
  },
  {
    name: 'report-builder', namespace: 'finance', kind: 'CronJob', role: 'cron', image: 'docker.io/acme/report-builder:5.0.2', container: 'job',
    main: { binary: '/usr/bin/python3', args: '/app/build_reports.py --period daily' },
    children: [{ binary: '/usr/bin/aws', args: 's3 cp /tmp/out/report.csv s3://acme-finance-reports/daily/', by: 'main' }],
    reads: ['/app/build_reports.py', '/etc/hosts', '/etc/ssl/certs/ca-certificates.crt'],
    writes: ['/tmp/out/report.csv'],
    peers: [['10.100.8.15', 5432], ['52.218.48.10', 443]], uid: 1000, activity: 3, privileged: false,
  },
  {
    name: 'postgres', namespace: 'data', kind: 'StatefulSet', role: 'db', image: 'docker.io/library/postgres:16.4', container: 'postgres',
    main: { binary: '/usr/lib/postgresql/16/bin/postgres', args: '-D /var/lib/postgresql/data' },
    children: [{ binary: '/usr/bin/pg_isready', args: '-U postgres' }],
    reads: ['/var/lib/postgresql/data/postgresql.conf', '/var/lib/postgresql/data/base/16384/2619'],
    writes: ['/var/lib/postgresql/data/pg_wal/000000010000000000000042', '/var/lib/postgresql/data/base/16384/16397'],
    peers: [], uid: 999, activity: 10, privileged: false,
  },
  {
    name: 'search', namespace: 'shop', kind: 'Deployment', role: 'api', image: 'docker.io/acme/search:4.1.0', container: 'search',
    main: { binary: '/usr/bin/java', args: '-Xmx512m -jar /app/search.jar' },
    children: [{ binary: '/bin/sh', args: '-c /app/bin/ready.sh' }],
    reads: ['/app/search.jar', '/app/conf/search.yml', '/etc/hosts'],
    writes: ['/app/data/index/segments_7'],
    peers: [['10.100.8.15', 5432]], uid: 1000, activity: 5, privileged: false,
  },
];

/** DaemonSets on every node: the agents a real cluster runs. */
const SYSTEM_CATALOGUE: readonly Omit<Workload, 'imageDigest' | 'labels' | 'serviceAccount'>[] = [
  {
    name: 'kube-proxy', namespace: 'kube-system', kind: 'DaemonSet', role: 'system', image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.30.0-eksbuild.3', container: 'kube-proxy',
    main: { binary: '/usr/local/bin/kube-proxy', args: '--v=2 --config=/var/lib/kube-proxy-config/config' },
    children: [{ binary: '/usr/sbin/iptables-restore', args: '-w 5 --noflush --counters', by: 'main' }],
    reads: ['/var/lib/kube-proxy-config/config', '/proc/net/ip_tables_names'],
    writes: [],
    peers: [['10.100.0.1', 443]], uid: 0, activity: 2, privileged: true,
  },
  {
    name: 'aws-node', namespace: 'kube-system', kind: 'DaemonSet', role: 'system', image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.18.2', container: 'aws-node',
    main: { binary: '/app/aws-k8s-agent', args: '' },
    children: [{ binary: '/app/grpc-health-probe', args: '-addr=:50051 -connect-timeout=5s -rpc-timeout=5s' }],
    reads: ['/host/etc/cni/net.d/10-aws.conflist', '/etc/hosts'],
    writes: ['/host/var/log/aws-routed-eni/ipamd.log'],
    peers: [['10.100.0.1', 443], ['169.254.169.254', 80]], uid: 0, activity: 2, privileged: true,
  },
];

function zoneOf(i: number): string {
  return `${REGION}${'abc'[i % 3]}`;
}

export function buildEnvironment(random: Random, options: EnvironmentOptions): Environment {
  const r = random.fork('environment');
  const nodeCount = Math.max(1, options.nodes ?? 3);
  const nodes: Node[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const ip = `10.0.${(i % 3) + 1}.${r.int(10, 250)}`;
    nodes.push({ name: `ip-${ip.replaceAll('.', '-')}.${REGION}.compute.internal`, instanceId: `i-0${r.hex(16)}`, ip, zone: zoneOf(i), bootMs: options.startMs - r.int(2, 20) * 86_400_000 });
  }
  const appCount = Math.max(1, options.workloads ?? APP_CATALOGUE.length);
  const workloads: Workload[] = [];
  for (let i = 0; i < appCount; i++) {
    const base = APP_CATALOGUE[i % APP_CATALOGUE.length] as (typeof APP_CATALOGUE)[number];
    const round = Math.floor(i / APP_CATALOGUE.length);
    const name = round === 0 ? base.name : `${base.name}-${round + 1}`;
    workloads.push({ ...base, name, imageDigest: `sha256:${r.hex(64)}`, serviceAccount: name, labels: { app: name, 'app.kubernetes.io/part-of': base.namespace } });
  }
  for (const s of SYSTEM_CATALOGUE) workloads.push({ ...s, imageDigest: `sha256:${r.hex(64)}`, serviceAccount: s.name, labels: { 'k8s-app': s.name } });
  const pods: Pod[] = [];
  for (const w of workloads) {
    const replicas = w.kind === 'DaemonSet' ? nodes.length : w.kind === 'StatefulSet' || w.kind === 'CronJob' ? 1 : Math.min(3, nodes.length);
    const hash = r.hex(10).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)] as string).slice(0, 10);
    for (let k = 0; k < replicas; k++) {
      const node = w.kind === 'DaemonSet' ? (nodes[k] as Node) : (nodes[(k + workloads.indexOf(w)) % nodes.length] as Node);
      const suffix = w.kind === 'StatefulSet' ? String(k) : w.kind === 'DaemonSet' ? r.hex(5) : `${hash}-${r.hex(5)}`;
      pods.push({
        name: `${w.name}-${suffix}`,
        uid: r.uuid(),
        workload: w,
        node,
        ip: `10.0.${nodes.indexOf(node) + 1}${r.int(0, 9)}.${r.int(2, 250)}`,
        containerId: r.hex(64),
        startMs: options.startMs - r.int(1, 72) * 3_600_000,
        pid: r.int(3000, 60000),
      });
    }
  }
  const roleId = `AROA${r.alnum(17)}`;
  const nodeRole = { name: 'eks-node-group-role', arn: `arn:aws:iam::${ACCOUNT}:role/eks-node-group-role`, roleId };
  const user = (name: string, ips: string[], hours: [number, number], weekends: boolean, calls: AwsPrincipal['calls'], perHour: number, ua: string): AwsPrincipal => ({
    kind: 'IAMUser', name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, principalId: `AIDA${r.alnum(17)}`, accessKeyId: `AKIA${r.alnum(16)}`,
    sourceIps: ips, userAgent: ua, hours, weekends, mfa: true, calls, callsPerHour: perHour,
  });
  const role = (name: string, session: string, ips: string[], calls: AwsPrincipal['calls'], perHour: number, ua: string): AwsPrincipal => ({
    kind: 'AssumedRole', name: session, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`, roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    principalId: `AROA${r.alnum(17)}:${session}`, accessKeyId: `ASIA${r.alnum(16)}`, sourceIps: ips, userAgent: ua, hours: [0, 24], weekends: true, mfa: false, calls, callsPerHour: perHour,
  });
  const CLI = 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe';
  const CONSOLE = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
  const SDK = 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.2';
  const awsPrincipals: AwsPrincipal[] = [
    user('alice', ['203.0.113.24'], [8, 18], false, [['ec2.amazonaws.com', 'DescribeInstances', 6], ['s3.amazonaws.com', 'ListBuckets', 2], ['eks.amazonaws.com', 'DescribeCluster', 3], ['iam.amazonaws.com', 'GetRole', 1], ['logs.amazonaws.com', 'FilterLogEvents', 2]], 30, CLI),
    user('bob', ['203.0.113.77'], [9, 19], false, [['s3.amazonaws.com', 'GetObject', 5], ['s3.amazonaws.com', 'ListObjects', 3], ['rds.amazonaws.com', 'DescribeDBInstances', 2], ['cloudwatch.amazonaws.com', 'GetMetricData', 4]], 20, CONSOLE),
    user('finance-analyst', ['198.51.100.140'], [7, 17], false, [['s3.amazonaws.com', 'GetObject', 6], ['s3.amazonaws.com', 'ListObjects', 2]], 10, CONSOLE),
    role('ci-deploy', 'github-actions-deploy', ['192.0.2.55', '192.0.2.56'], [['ecr.amazonaws.com', 'GetAuthorizationToken', 2], ['ecr.amazonaws.com', 'PutImage', 1], ['eks.amazonaws.com', 'DescribeCluster', 2], ['sts.amazonaws.com', 'GetCallerIdentity', 1]], 12, 'aws-sdk-js/3.637.0 ua/2.1 os/linux#6.5.0-1025-azure lang/js md/nodejs#20.17.0 api/ecr#3.637.0'),
    role('backup-operator', 'aws-backup', ['backup.amazonaws.com'], [['rds.amazonaws.com', 'CreateDBSnapshot', 1], ['ec2.amazonaws.com', 'CreateSnapshot', 1], ['rds.amazonaws.com', 'DescribeDBSnapshots', 2]], 2, 'backup.amazonaws.com'),
    role('report-builder', 'report-builder-irsa', nodes.map((n) => n.ip), [['s3.amazonaws.com', 'PutObject', 3], ['s3.amazonaws.com', 'GetObject', 1]], 6, SDK),
  ];
  const admins: K8sIdentity[] = [
    { username: 'alice@acme.io', groups: ['system:masters', 'system:authenticated'], userAgent: 'kubectl/v1.30.2 (darwin/arm64) kubernetes/3f0c1e2', sourceIps: ['203.0.113.24'], hours: [8, 18], weekends: false },
    { username: 'dev-carol@acme.io', groups: ['developers', 'system:authenticated'], userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/9c1d4ab', sourceIps: ['203.0.113.91'], hours: [9, 19], weekends: false },
  ];
  const ci: K8sIdentity = { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'], userAgent: 'argocd-application-controller/v2.12.3', sourceIps: ['10.0.2.71'], hours: [0, 24], weekends: true };
  const controllers: K8sIdentity[] = [
    { username: 'system:kube-controller-manager', groups: ['system:authenticated'], userAgent: 'kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/a51b3b7/leader-election', sourceIps: ['10.0.0.10'], hours: [0, 24], weekends: true },
    { username: 'system:kube-scheduler', groups: ['system:authenticated'], userAgent: 'kube-scheduler/v1.30.4 (linux/amd64) kubernetes/a51b3b7/scheduler', sourceIps: ['10.0.0.10'], hours: [0, 24], weekends: true },
    ...nodes.map((n) => ({ username: `system:node:${n.name}`, groups: ['system:nodes', 'system:authenticated'], userAgent: 'kubelet/v1.30.4 (linux/amd64) kubernetes/a51b3b7', sourceIps: [n.ip], hours: [0, 24] as const, weekends: true, extra: nodeExtra(n, nodeRole) })),
  ];
  return {
    cluster: 'acme-prod',
    accountId: ACCOUNT,
    region: REGION,
    apiServerIp: '10.0.0.10',
    nodes,
    namespaces: [...new Set(workloads.map((w) => w.namespace))],
    workloads,
    pods,
    nodeRole,
    awsPrincipals,
    admins,
    ci,
    controllers,
    buckets: ['acme-finance-reports', 'acme-customer-exports', 'acme-static-assets', 'acme-backups'],
    databases: ['orders-prod', 'payments-prod'],
    snapshots: ['orders-prod-2026-11-01', 'payments-prod-2026-11-01'],
  };
}

/** An AWS principal of the environment by name (user name or session name), or throws: scenarios name real principals. */
export function principalNamed(env: Environment, name: string): AwsPrincipal {
  const p = env.awsPrincipals.find((x) => x.name === name);
  if (p === undefined) throw new Error(`scenario needs AWS principal ${name}, which the environment lacks`);
  return p;
}

/** A bucket of the environment, or throws. */
export function bucketNamed(env: Environment, name: string): string {
  if (!env.buckets.includes(name)) throw new Error(`scenario needs bucket ${name}, which the environment lacks`);
  return name;
}

/**
 * What EKS's authenticator records in `user.extra` for a kubelet: the node's instance-role
 * session, named after its EC2 instance, and the session's key (the one its CloudTrail calls
 * carry, see benign/aws.ts).
 */
export function nodeExtra(n: Node, role: { readonly name: string; readonly arn: string; readonly roleId: string }): Record<string, string[]> {
  const account = role.arn.split(':')[4] ?? '';
  return {
    accessKeyId: [`ASIA${n.instanceId.slice(2, 18).toUpperCase().padEnd(16, 'X')}`],
    arn: [`arn:aws:sts::${account}:assumed-role/${role.name}/${n.instanceId}`],
    canonicalArn: [role.arn],
    principalId: [`${role.roleId}:${n.instanceId}`],
    sessionName: [n.instanceId],
  };
}
