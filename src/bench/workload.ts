/**
 * A generated mixed workload for benchmarks: JSON lines in the four formats, shaped like real
 * records (field sets and sizes follow the corpus), varied per record so nothing is cached by
 * accident. Deterministic from the seed.
 */

import { hex, pick, rng } from '../core/random.js';

const NODES = ['ip-10-0-1-23', 'ip-10-0-2-41', 'ip-10-0-3-7'];
const BINARIES = ['/usr/bin/curl', '/bin/sh', '/usr/local/bin/python3', '/usr/bin/cat', '/app/server'];

function iso(ms: number, nanos = ''): string {
  const s = new Date(ms).toISOString();
  return nanos === '' ? s : `${s.slice(0, 19)}.${nanos}Z`;
}

function tetragon(r: () => number, i: number, t: number): object {
  const node = pick(r, NODES);
  const cid = hex(r, 64);
  const pod = {
    namespace: 'shop',
    name: `api-7d9c6b5f4-${hex(r, 5)}`,
    container: { id: `containerd://${cid}`, name: 'api', image: { id: `docker.io/acme/api@sha256:${hex(r, 64)}`, name: 'docker.io/acme/api:1.4.2' }, start_time: iso(t - 60_000), pid: 1 },
    pod_labels: { app: 'api', 'pod-template-hash': '7d9c6b5f4' },
    workload: 'api',
    workload_kind: 'Deployment',
  };
  const process = {
    exec_id: Buffer.from(`${node}:${i}:${1000 + i}`).toString('base64'),
    pid: 1000 + (i % 30000),
    uid: 0,
    cwd: '/app',
    binary: pick(r, BINARIES),
    arguments: `-s https://example.com/${hex(r, 6)}`,
    flags: 'execve clone',
    start_time: iso(t, String(i % 1e9).padStart(9, '0')),
    auid: 4294967295,
    pod,
    docker: cid.slice(0, 31),
    parent_exec_id: Buffer.from(`${node}:parent:${i % 97}`).toString('base64'),
    tid: 1000 + (i % 30000),
  };
  const parent = { ...process, exec_id: process.parent_exec_id, binary: '/bin/sh', arguments: '-c run', parent_exec_id: 'cm9vdA==' };
  if (i % 3 === 0) return { process_exec: { process, parent }, node_name: node, time: process.start_time };
  return {
    process_kprobe: {
      process,
      parent,
      function_name: 'security_file_permission',
      args: [{ file_arg: { path: `/etc/${pick(r, ['passwd', 'shadow', 'hosts'])}`, permission: '-rw-r--r--' } }, { int_arg: 4 }],
      return: { int_arg: 0 },
      action: 'KPROBE_ACTION_POST',
      policy_name: 'file-monitoring',
    },
    node_name: node,
    time: iso(t + 5, '123456789'),
  };
}

function k8saudit(r: () => number, i: number, t: number): object {
  const ns = pick(r, ['shop', 'default', 'kube-system']);
  const name = `api-7d9c6b5f4-${hex(r, 5)}`;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${ns}/pods/${name}${i % 5 === 0 ? '/exec?command=sh' : ''}`,
    verb: i % 5 === 0 ? 'create' : 'get',
    user: { username: i % 2 === 0 ? 'system:serviceaccount:ci:deployer' : 'alice@example.com', groups: ['system:authenticated'] },
    sourceIPs: [`10.0.${i % 250}.${(i * 7) % 250}`],
    userAgent: 'kubectl/v1.30.1 (linux/amd64) kubernetes/abc1234',
    objectRef: { resource: 'pods', namespace: ns, name, apiVersion: 'v1', ...(i % 5 === 0 ? { subresource: 'exec' } : {}) },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: iso(t, '000100000'),
    stageTimestamp: iso(t, '002300000'),
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
  };
}

function cloudtrail(r: () => number, i: number, t: number): object {
  const account = '123456789012';
  const instance = `i-0${hex(r, 16)}`;
  const s3 = i % 2 === 0;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROA${hex(r, 16).toUpperCase()}:${instance}`,
      arn: `arn:aws:sts::${account}:assumed-role/node-role/${instance}`,
      accountId: account,
      accessKeyId: `ASIA${hex(r, 16).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLE', arn: `arn:aws:iam::${account}:role/node-role`, accountId: account, userName: 'node-role' },
        attributes: { creationDate: iso(t - 3_600_000), mfaAuthenticated: 'false' },
        ec2RoleDelivery: '2.0',
      },
    },
    eventTime: iso(t).replace(/\.\d{3}Z$/, 'Z'),
    eventSource: s3 ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
    eventName: s3 ? 'GetObject' : 'DescribeInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: `198.51.100.${i % 250}`,
    userAgent: '[aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64]',
    requestParameters: s3 ? { bucketName: 'acme-reports', key: `2026/q${(i % 4) + 1}/report-${i}.csv`, Host: 'acme-reports.s3.eu-west-1.amazonaws.com' } : { maxResults: 100 },
    responseElements: null,
    additionalEventData: s3 ? { bytesTransferredIn: 0, bytesTransferredOut: 1000 + (i % 100000) } : undefined,
    requestID: hex(r, 16).toUpperCase(),
    eventID: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
    readOnly: true,
    resources: s3 ? [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::acme-reports/2026/report-${i}.csv` }, { accountId: account, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::acme-reports' }] : undefined,
    eventType: 'AwsApiCall',
    managementEvent: !s3,
    recipientAccountId: account,
    eventCategory: s3 ? 'Data' : 'Management',
  };
}

function falco(r: () => number, i: number, t: number): object {
  const cid = hex(r, 12);
  return {
    hostname: pick(r, NODES),
    output: `${iso(t).slice(11, 23)}000000: Notice A shell was spawned in a container with an attached terminal | user=root container_id=${cid} process=sh`,
    output_fields: {
      'container.id': cid,
      'container.image.repository': 'docker.io/acme/api',
      'container.image.tag': '1.4.2',
      'container.name': 'api',
      'evt.time': t * 1e6,
      'k8s.ns.name': 'shop',
      'k8s.pod.name': `api-7d9c6b5f4-${hex(r, 5)}`,
      'proc.cmdline': 'sh -i',
      'proc.exepath': '/bin/sh',
      'proc.name': 'sh',
      'proc.pname': 'runc',
      'proc.tty': 34816,
      'user.loginuid': -1,
      'user.name': 'root',
      'user.uid': 0,
    },
    priority: 'Notice',
    rule: 'Terminal shell in container',
    source: 'syscall',
    tags: ['T1059', 'container', 'maturity_stable', 'mitre_execution', 'shell'],
    time: iso(t, `${String(i % 1000).padStart(3, '0')}456789`),
  };
}

/** A generated workload: JSON lines and, for each, the stream (source) it belongs to. */
export interface Workload {
  readonly lines: string[];
  readonly streams: string[];
}

/**
 * `count` JSON lines: 40% Tetragon, 25% CloudTrail, 25% Kubernetes audit, 10% Falco alerts,
 * interleaved record by record as four concurrent streams (one per source, as four agents or
 * files feed a collector) would be.
 */
export function generateWorkload(count: number, seed = 42): Workload {
  const r = rng(seed);
  const start = Date.UTC(2026, 10, 2, 9, 0, 0);
  const lines: string[] = [];
  const streams: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + i * 10;
    const k = i % 20;
    const [stream, record] =
      k < 8 ? ['tetragon', tetragon(r, i, t)] : k < 13 ? ['cloudtrail', cloudtrail(r, i, t)] : k < 18 ? ['k8saudit', k8saudit(r, i, t)] : ['falco', falco(r, i, t)];
    lines.push(JSON.stringify(record));
    streams.push(stream);
  }
  return { lines, streams };
}
