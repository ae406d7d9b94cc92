/** Benign look-alikes: normal work that resembles an attack and must not become one. */

import type { Random } from '../../core/random.js';
import { instanceSession } from '../benign/aws.js';
import { principalNamed, type AwsPrincipal, type Environment, type K8sIdentity, type Node, type Pod, type Workload } from '../model.js';
import { cloudTrailRecord, s3ObjectCall, type ApiCall } from '../records/cloudtrail.js';
import { execIdOf, mainOf, processExec, processExit, shimOf, type SimProcess } from '../records/tetragon.js';
import { officeTime, type BenignScenario } from '../scenario.js';
import { Script } from '../script.js';

/** An admin opens a shell in a pod to look at its config, in working hours. */
const adminExec: BenignScenario = {
  kind: 'benign',
  id: 'benign-admin-kubectl-exec',
  resembles: 'intrusion',
  title: "An admin's kubectl exec during working hours",
  description:
    'alice@acme.io (cluster admin, from the office address) runs `kubectl exec -it` into an orders-api pod on a weekday morning, looks at processes and the config file, and leaves. Falco reports the terminal shell; the audit log has the exec.',
  techniques: ['T1609', 'T1059.004'],
  durationMs: 3 * 60_000,
  placeAt: (ms) => officeTime(ms),
  build(ctx) {
    const s = new Script(ctx);
    const pod = s.pod('orders-api');
    const admin = ctx.env.admins[0];
    if (admin === undefined) throw new Error('the environment has no admin');
    s.audit(admin, 0, { verb: 'create', resource: 'pods', namespace: pod.workload.namespace, name: pod.name, subresource: 'exec', query: `command=%2Fbin%2Fsh&container=${pod.workload.container}&stdin=true&stdout=true&tty=true` });
    const runc = s.exec(shimOf(pod), 0.3, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process --detach --pid-file /run/containerd/${pod.containerId}.pid ${pod.containerId}`, { uid: 0 });
    const sh = s.exec(runc, 0.5, '/bin/sh', '', { pod, uid: 0, cwd: '/app' });
    s.falco(sh, 0.6, { rule: 'Terminal shell in container', fields: { 'evt.type': 'execve', 'proc.tty': 34816, 'evt.arg.flags': 'EXE_WRITABLE|EXE_LOWER_LAYER' } });
    const ps = s.exec(sh, 20, '/bin/ps', 'aux');
    s.exit(ps, 20.1);
    const cat = s.exec(sh, 45, '/bin/cat', '/app/orders/settings.py');
    s.read(cat, 45.01, '/app/orders/settings.py');
    s.exit(cat, 45.05);
    s.exit(sh, 150);
    s.exit(runc, 150.1);
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// Shared pieces.


/** The `hour`:`minute` UTC nearest to `ms` (the day before, the same day or the day after). */
function nearestUtc(ms: number, hour: number, minute = 0): number {
  const d = new Date(ms);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour, minute);
  return [today - 86_400_000, today, today + 86_400_000].reduce((a, b) => (Math.abs(b - ms) < Math.abs(a - ms) ? b : a));
}

/** `ms` itself when its UTC hour is in [from, to), else the nearest `from`:`minute` UTC. */
function atUtcHours(ms: number, from: number, to: number, minute = 0): number {
  const h = new Date(ms).getUTCHours();
  return h >= from && h < to ? ms : nearestUtc(ms, from, minute);
}

/** The nightly backup schedule: the CronJob and AWS Backup both fire at 02:00 UTC (the nearest such night). */
function nightly(ms: number): number {
  return nearestUtc(ms, 2);
}

function serviceAccount(ns: string, name: string, ip: string, userAgent: string): K8sIdentity {
  return { username: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'], userAgent, sourceIps: [ip], hours: [0, 24], weekends: true };
}

/** A kube-controller-manager controller, as the audit log names it with per-controller credentials. */
function controller(env: Environment, name: string): K8sIdentity {
  return serviceAccount('kube-system', name, env.apiServerIp, `kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/a51b3b7/system:serviceaccount:kube-system:${name}`);
}

function scheduler(env: Environment): K8sIdentity {
  const s = env.controllers.find((c) => c.username === 'system:kube-scheduler');
  if (s === undefined) throw new Error('the environment has no scheduler');
  return s;
}

function kubeletIdentity(env: Environment, node: Node): K8sIdentity {
  return env.controllers.find((c) => c.username === `system:node:${node.name}`)
    ?? { username: `system:node:${node.name}`, groups: ['system:nodes', 'system:authenticated'], userAgent: 'kubelet/v1.30.4 (linux/amd64) kubernetes/a51b3b7', sourceIps: [node.ip], hours: [0, 24], weekends: true };
}

/** containerd on a node (started at boot): parent of the runtime shims. */
function containerdOf(node: Node): SimProcess {
  const start = node.bootMs + 12_000;
  return { execId: execIdOf(node, start, 1204), pid: 1204, binary: '/usr/bin/containerd', args: '', cwd: '/', uid: 0, startMs: start, node };
}

/** A ReplicaSet-style pod name: `<workload>-<10 consonant-ish chars>-<5 hex>`. */
function podHash(r: Random): string {
  return r.hex(10).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)] as string);
}

/** A pod that is not in the environment (new replicas, a new node's agents, a job, test pods). */
function makePod(ctx: { readonly random: Random; readonly pids: { next(node: Node): number } }, workload: Workload, node: Node, name: string, startMs: number, ip: string): Pod {
  return { name, uid: ctx.random.uuid(), workload, node, ip, containerId: ctx.random.hex(64), startMs, pid: ctx.pids.next(node) };
}

/** Tetragon's view of a container starting: the shim (from containerd), then the main process. */
function startPod(s: Script, pod: Pod): SimProcess {
  const shim: SimProcess = { ...shimOf(pod), parent: containerdOf(pod.node) };
  s.out.push({ source: 'tetragon', timeMs: shim.startMs, stream: pod.node.name, record: processExec(shim) });
  const main = mainOf(pod);
  s.out.push({ source: 'tetragon', timeMs: main.startMs, stream: pod.node.name, record: processExec(main) });
  return main;
}

/** A main process ending (a pod deleted: SIGTERM, graceful exit). */
function stopMain(s: Script, pod: Pod, seconds: number, status = 0): void {
  const t = s.at(seconds);
  s.out.push({ source: 'tetragon', timeMs: t, stream: pod.node.name, record: processExit(mainOf(pod), t, status) });
}

/** A console sign-in as CloudTrail records it: the user, without an access key or session context. */
function consoleSignIn(s: Script, r: Random, who: AwsPrincipal, seconds: number, call: ApiCall): void {
  const t = s.at(seconds);
  const record = cloudTrailRecord(r, s.env, who, t, call);
  record['userIdentity'] = { type: 'IAMUser', principalId: who.principalId, arn: who.arn, accountId: s.env.accountId, userName: who.name };
  // A failed sign-in has an errorMessage and no errorCode.
  if (call.errorMessage !== undefined && call.errorCode === undefined) record['errorMessage'] = call.errorMessage;
  s.out.push({ source: 'cloudtrail', timeMs: t, stream: s.env.region, record });
}

/** An S3 listing (ListObjectsV2, which CloudTrail names ListObjects), as the console sends it. */
function listObjects(env: Environment, bucket: string, prefix: string): ApiCall {
  return {
    source: 's3.amazonaws.com', name: 'ListObjects', category: 'Data', readOnly: true,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${env.region}.amazonaws.com`, 'list-type': '2', prefix, delimiter: '/', 'encoding-type': 'url' },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'Zm9v', bytesTransferredOut: 0 },
    resources: [{ type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/${prefix}` }, { accountId: env.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
  };
}

const CONSOLE_LOGIN_TO = 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true';

// ---------------------------------------------------------------------------------------------
// A sign-in from a holiday destination.

const HOLIDAY_IP = '198.51.100.213';
const IPAD_SAFARI = 'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

const holidayLogin: BenignScenario = {
  kind: 'benign',
  id: 'benign-holiday-login-mfa',
  resembles: 'intrusion',
  title: 'A console sign-in from a holiday destination, with MFA, at an odd hour',
  description:
    "bob, on holiday in south-east Asia, signs in to the console from the hotel's address on an iPad at 01:40 UTC (his morning there, far outside his usual 09-19 UTC): the first attempt fails on a mistyped password, the second succeeds with MFA. He then does what he always does, read-only: the orders dashboard and its metrics, the database list and events, the latest monthly P&L and a daily report from acme-finance-reports. New country, new device, unusual hour and a failed attempt first: the shape of a stolen password, but with MFA and nothing but reads.",
  techniques: ['T1078.004'],
  durationMs: 10 * 60_000,
  placeAt: (ms) => atUtcHours(ms, 1, 4, 40),
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const bob = principalNamed(env, 'bob');
    const away: AwsPrincipal = { ...bob, sourceIps: [HOLIDAY_IP], userAgent: IPAD_SAFARI };
    consoleSignIn(s, r, away, 0, {
      source: 'signin.amazonaws.com', name: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', readOnly: false,
      errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' },
      additionalEventData: { LoginTo: CONSOLE_LOGIN_TO, MobileVersion: 'No', MFAUsed: 'No' },
    });
    consoleSignIn(s, r, away, 38, {
      source: 'signin.amazonaws.com', name: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', readOnly: false,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: CONSOLE_LOGIN_TO, MobileVersion: 'No', MFAIdentifier: `arn:aws:iam::${env.accountId}:mfa/bob`, MFAUsed: 'Yes' },
    });
    const metrics = (sec: number): void => s.cloud(away, sec, {
      source: 'monitoring.amazonaws.com', name: 'GetMetricData',
      requestParameters: { metricDataQueries: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/RDS', metricName: 'CPUUtilization', dimensions: [{ name: 'DBInstanceIdentifier', value: env.databases[0] }] }, period: 300, stat: 'Average' } }], startTime: new Date(s.at(sec) - 3 * 3_600_000).toISOString(), endTime: new Date(s.at(sec)).toISOString() },
    });
    s.cloud(away, 55, { source: 'monitoring.amazonaws.com', name: 'GetDashboard', requestParameters: { dashboardName: 'orders-prod' } });
    metrics(57);
    s.cloud(away, 59, { source: 'monitoring.amazonaws.com', name: 'DescribeAlarms', requestParameters: { excludeManagedAlarms: false, maxRecords: 100 } });
    metrics(118);
    s.cloud(away, 146, { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', requestParameters: null });
    s.cloud(away, 152, { source: 'rds.amazonaws.com', name: 'DescribeEvents', requestParameters: { sourceType: 'db-instance', duration: 1440 } });
    metrics(178);
    s.cloud(away, 264, { source: 's3.amazonaws.com', name: 'ListBuckets', requestParameters: { Host: `s3.${env.region}.amazonaws.com` } });
    s.cloud(away, 271, listObjects(env, 'acme-finance-reports', 'monthly/2026-10/'));
    s.cloud(away, 289, s3ObjectCall(env, 'GetObject', 'acme-finance-reports', 'monthly/2026-10/pnl.csv', r.int(150_000, 220_000)));
    s.cloud(away, 318, s3ObjectCall(env, 'GetObject', 'acme-finance-reports', 'daily/2026-11-01/report.csv', r.int(30_000, 60_000)));
    metrics(420);
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// The yearly report set, downloaded for the auditors.

const yearlyReport: BenignScenario = {
  kind: 'benign',
  id: 'benign-yearly-financial-report',
  resembles: 'data-exfiltration',
  title: "Finance downloads the year's report set",
  description:
    "The fiscal year closed on 31 October: finance-analyst, from the finance office and in working hours, downloads the yearly set from acme-finance-reports through the console for the auditors: the four quarterly general ledgers, the trial balance, the consolidated statements and the audit evidence archive (several GB in all), then after a break the twelve monthly P&L and balance sheets. Tens of large GetObject calls in a few minutes from one identity: what bulk exfiltration looks like by volume.",
  techniques: ['T1530'],
  durationMs: 18 * 60_000,
  placeAt: (ms) => officeTime(ms),
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const analyst = principalNamed(env, 'finance-analyst');
    const bucket = 'acme-finance-reports';
    const list = (sec: number, prefix: string): void => s.cloud(analyst, sec, listObjects(env, bucket, prefix));
    const MB = 1_048_576;
    list(0, 'annual/');
    list(6, 'annual/2026/');
    const annual: readonly (readonly [string, number])[] = [
      ['annual/2026/general-ledger-FY2026-Q1.csv.gz', r.int(380, 520) * MB],
      ['annual/2026/general-ledger-FY2026-Q2.csv.gz', r.int(380, 520) * MB],
      ['annual/2026/general-ledger-FY2026-Q3.csv.gz', r.int(380, 520) * MB],
      ['annual/2026/general-ledger-FY2026-Q4.csv.gz', r.int(420, 600) * MB],
      ['annual/2026/trial-balance-FY2026.xlsx', r.int(18, 30) * MB],
      ['annual/2026/consolidated-statements-FY2026.pdf', r.int(6, 12) * MB],
      ['annual/2026/audit-evidence-FY2026.zip', r.int(1_700, 2_100) * MB],
    ];
    let t = 14;
    for (const [key, bytes] of annual) {
      s.cloud(analyst, t, s3ObjectCall(env, 'GetObject', bucket, key, bytes));
      t += 8 + r.next() * 30;
    }
    t += r.int(360, 600);
    list(t, 'monthly/');
    t += 5;
    for (let m = 0; m < 12; m++) {
      const month = m < 2 ? `2025-${m === 0 ? '11' : '12'}` : `2026-${String(m - 1).padStart(2, '0')}`;
      for (const [name, lo, hi] of [['pnl.csv', 1, 6], ['balance-sheet.csv', 2, 9]] as const) {
        s.cloud(analyst, t, s3ObjectCall(env, 'GetObject', bucket, `monthly/${month}/${name}`, r.int(lo * MB, hi * MB)));
        t += 1.5 + r.next() * 4;
      }
    }
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// A CI deployment: image pushed, deployment patched, new pods.

const ciDeployment: BenignScenario = {
  kind: 'benign',
  id: 'benign-ci-deployment',
  resembles: 'intrusion',
  title: 'CI pushes a new orders-api image and the deployer rolls it out',
  description:
    "The GitHub Actions pipeline (role ci-deploy, from the runners' addresses) logs in to ECR and pushes orders-api 1.15.0 to the account's registry (layer uploads, PutImage). A few minutes later the in-cluster deployer (ci:deployer, Argo CD) patches the shop/orders-api deployment to the new image; the deployment and ReplicaSet controllers roll it: one new pod at a time is created, scheduled, its node pulls the image with its instance role, the container starts (a new process from an image tag never seen before) and connects to the database, and an old pod is deleted and its server exits.",
  techniques: ['T1525', 'T1610'],
  durationMs: 8 * 60_000,
  placeAt: (ms) => officeTime(ms),
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const pipeline = principalNamed(env, 'github-actions-deploy');
    // One job runs on one runner: one address throughout.
    const ci: AwsPrincipal = { ...pipeline, sourceIps: [r.pick(pipeline.sourceIps)] };
    const repo = 'acme/orders-api';
    const tag = '1.15.0';
    const registry = `${env.accountId}.dkr.ecr.${env.region}.amazonaws.com`;
    const image = `${registry}/${repo}:${tag}`;
    const digest = `sha256:${r.hex(64)}`;
    const ecr = (name: string, params: Record<string, unknown> | null, response: Record<string, unknown> | null = null): ApiCall => ({
      source: 'ecr.amazonaws.com', name, requestParameters: params, responseElements: response,
      resources: [{ accountId: env.accountId, ARN: `arn:aws:ecr:${env.region}:${env.accountId}:repository/${repo}` }],
    });

    // The pipeline's push.
    s.cloud(ci, 0, { source: 'sts.amazonaws.com', name: 'GetCallerIdentity' });
    s.cloud(ci, 2, { source: 'ecr.amazonaws.com', name: 'GetAuthorizationToken', requestParameters: { registryIds: [env.accountId] }, responseElements: null });
    const layers = Array.from({ length: 6 }, () => `sha256:${r.hex(64)}`);
    s.cloud(ci, 9, ecr('BatchCheckLayerAvailability', { repositoryName: repo, registryId: env.accountId, layerDigests: layers }));
    let t = 10;
    for (const layer of layers.slice(-2)) {
      const uploadId = r.uuid();
      s.cloud(ci, t, ecr('InitiateLayerUpload', { repositoryName: repo, registryId: env.accountId }, { uploadId, partSize: 10_485_760 }));
      const last = r.int(200_000, 40_000_000);
      s.cloud(ci, t + 2 + r.next() * 4, ecr('UploadLayerPart', { repositoryName: repo, registryId: env.accountId, uploadId, partFirstByte: 0, partLastByte: last }, { registryId: env.accountId, repositoryName: repo, uploadId, lastByteReceived: last }));
      t += 9 + r.next() * 6;
      s.cloud(ci, t, ecr('CompleteLayerUpload', { repositoryName: repo, registryId: env.accountId, uploadId, layerDigests: [layer] }, { registryId: env.accountId, repositoryName: repo, uploadId, layerDigest: layer }));
      t += 1;
    }
    t += 2;
    s.cloud(ci, t, ecr('PutImage',
      { repositoryName: repo, registryId: env.accountId, imageTag: tag, imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json', imageManifest: `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:${r.hex(64)}"},"layers":[${layers.map((l) => `{"digest":"${l}"}`).join(',')}]}` },
      { image: { registryId: env.accountId, repositoryName: repo, imageId: { imageDigest: digest, imageTag: tag }, imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json' } }));

    // The deployer syncs the new image; the controllers roll it, one pod at a time.
    const old = env.pods.filter((p) => p.workload.name === 'orders-api');
    const base = old[0];
    if (base === undefined) throw new Error('scenario needs workload orders-api, which the environment lacks');
    const w: Workload = { ...base.workload, image, imageDigest: digest };
    const ns = w.namespace;
    t = 190 + r.int(0, 40);
    s.audit(env.ci, t, {
      verb: 'patch', resource: 'deployments', group: 'apps', namespace: ns, name: w.name,
      requestObject: { spec: { template: { spec: { containers: [{ name: w.container, image }] } } } },
      responseObject: {
        kind: 'Deployment', apiVersion: 'apps/v1',
        metadata: { name: w.name, namespace: ns, labels: w.labels, generation: r.int(40, 90), annotations: { 'argocd.argoproj.io/tracking-id': `${w.name}:apps/Deployment:${ns}/${w.name}` } },
        spec: { replicas: old.length, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, template: { metadata: { labels: w.labels }, spec: { serviceAccountName: w.serviceAccount, containers: [{ name: w.container, image }] } } },
      },
    });
    const hash = podHash(r);
    s.audit(controller(env, 'deployment-controller'), t + 0.05, { verb: 'create', resource: 'replicasets', group: 'apps', namespace: ns });
    const pulled = new Set<string>();
    t += 0.2;
    old.forEach((prev, k) => {
      const node = prev.node;
      const pod = makePod(ctx, w, node, `${w.name}-${hash}-${r.hex(5)}`, s.at(t + 9 + r.next() * 3), `10.0.${env.nodes.indexOf(node) + 1}${r.int(0, 9)}.${r.int(2, 250)}`);
      s.audit(controller(env, 'replicaset-controller'), t, { verb: 'create', resource: 'pods', namespace: ns });
      s.audit(scheduler(env), t + 0.02, { verb: 'create', resource: 'pods', namespace: ns, name: pod.name, subresource: 'binding' });
      const kubelet = kubeletIdentity(env, node);
      s.audit(kubelet, t + 0.4, { verb: 'get', resource: 'pods', namespace: ns, name: pod.name });
      if (!pulled.has(node.name)) {
        // The kubelet's ECR credential provider, with the node's instance role.
        pulled.add(node.name);
        const role = instanceSession(env, node);
        s.cloud(role, t + 1, { source: 'ecr.amazonaws.com', name: 'GetAuthorizationToken', requestParameters: null, userAgent: 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ecr#1.32.0 ecr-credential-provider' });
        s.cloud(role, t + 1.6, ecr('BatchGetImage', { repositoryName: repo, registryId: env.accountId, imageIds: [{ imageTag: tag }], acceptedMediaTypes: ['application/vnd.oci.image.manifest.v1+json'] }));
        s.cloud(role, t + 2.1, ecr('GetDownloadUrlForLayer', { repositoryName: repo, registryId: env.accountId, layerDigest: layers[4] }));
        s.cloud(role, t + 2.2, ecr('GetDownloadUrlForLayer', { repositoryName: repo, registryId: env.accountId, layerDigest: layers[5] }));
      }
      const start = (pod.startMs - s.at(0)) / 1000;
      // gunicorn forks its workers (no exec): the server reads its settings and connects out.
      const main = startPod(s, pod);
      s.read(main, start + 0.6, '/app/orders/settings.py');
      s.read(main, start + 0.7, '/etc/ssl/certs/ca-certificates.crt');
      s.connect(main, start + 1.9, '10.100.8.15', 5432);
      s.connect(main, start + 2.1, '10.100.31.7', 6379);
      s.audit(kubelet, start + 14, { verb: 'patch', resource: 'pods', namespace: ns, name: pod.name, subresource: 'status' });
      // Ready: one old pod goes.
      s.audit(controller(env, 'replicaset-controller'), start + 16, { verb: 'delete', resource: 'pods', namespace: ns, name: prev.name });
      stopMain(s, prev, start + 18.5 + r.next() * 2);
      s.audit(kubelet, start + 21, { verb: 'patch', resource: 'pods', namespace: ns, name: prev.name, subresource: 'status' });
      t = start + 22 + k;
    });
    s.audit(controller(env, 'deployment-controller'), t + 1, { verb: 'update', resource: 'deployments', group: 'apps', namespace: ns, name: w.name, subresource: 'status' });
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// The nightly backup.

const nightlyBackup: BenignScenario = {
  kind: 'benign',
  id: 'benign-nightly-backup',
  resembles: 'data-exfiltration',
  title: 'Nightly backup: snapshots, and a pg_dump uploaded to acme-backups',
  description:
    "At 02:00 UTC AWS Backup (backup-operator, through the backup service) snapshots both RDS databases and the data volumes, and later rotates away the snapshots past their 35-day retention. At the same minute the data/pg-backup CronJob starts a kubectl pod that execs /scripts/backup.sh in postgres-0: pg_dump writes a compressed dump of the acme database to the volume, sha256sum checks it, and the AWS CLI (with the backup-operator role through IRSA) uploads it to s3://acme-backups in a multipart upload, then the local dump is removed. A database dumped and sent to S3 at night by a shell script: the exfiltration variant's shape, but our role, our bucket, on schedule.",
  techniques: ['T1005', 'T1530', 'T1537', 'T1609'],
  durationMs: 10 * 60_000,
  placeAt: (ms) => nightly(ms),
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const awsBackup = principalNamed(env, 'aws-backup');
    const pg = s.pod('postgres');
    const ns = pg.workload.namespace;
    const day = new Date(s.at(0)).toISOString();
    const stamp = `${day.slice(0, 4)}${day.slice(5, 7)}${day.slice(8, 10)}T0200Z`;
    const dump = `/var/lib/postgresql/backup/acme-${stamp}.dump`;
    const key = `postgres/${day.slice(0, 10)}/acme-${stamp}.dump`;

    // AWS Backup's plan.
    const jobs = env.databases.map(() => r.uuid());
    env.databases.forEach((db, i) => {
      s.cloud(awsBackup, 4 + i * 2, { source: 'rds.amazonaws.com', name: 'CreateDBSnapshot', requestParameters: { dBInstanceIdentifier: db, dBSnapshotIdentifier: `awsbackup:job-${jobs[i] ?? ''}`, tags: [{ key: 'aws:backup:source-resource', value: db }] } });
    });
    const volumes = [`vol-0${r.hex(16)}`, `vol-0${r.hex(16)}`];
    volumes.forEach((v, i) => {
      s.cloud(awsBackup, 9 + i * 1.5, { source: 'ec2.amazonaws.com', name: 'CreateSnapshot', requestParameters: { volumeId: v, description: 'This snapshot is created by the AWS Backup service.' }, responseElements: { snapshotId: `snap-0${r.hex(16)}`, volumeId: v, status: 'pending' } });
    });

    // The CronJob's pod, and its exec into postgres.
    const cronJob = controller(env, 'cronjob-controller');
    const jobName = `pg-backup-${Math.floor(s.at(0) / 60_000)}`;
    s.audit(cronJob, 0.1, { verb: 'create', resource: 'jobs', group: 'batch', namespace: ns });
    s.audit(controller(env, 'job-controller'), 0.3, { verb: 'create', resource: 'pods', namespace: ns });
    const jobNode = env.nodes[1 % env.nodes.length] as Node;
    const jobPodName = `${jobName}-${r.alnum(5).toLowerCase()}`;
    s.audit(scheduler(env), 0.35, { verb: 'create', resource: 'pods', namespace: ns, name: jobPodName, subresource: 'binding' });
    const kubectlWl: Workload = {
      name: 'pg-backup', namespace: ns, kind: 'CronJob', role: 'cron', image: 'docker.io/bitnami/kubectl:1.30.4', imageDigest: `sha256:${r.hex(64)}`, container: 'backup', serviceAccount: 'pg-backup',
      main: { binary: '/opt/bitnami/kubectl/bin/kubectl', args: `exec ${pg.name} -c ${pg.workload.container} -- /bin/sh /scripts/backup.sh` },
      children: [], reads: [], writes: [], peers: [], uid: 1001, activity: 0, privileged: false, labels: { 'job-name': jobName, 'batch.kubernetes.io/job-name': jobName },
    };
    const jobPod = makePod(ctx, kubectlWl, jobNode, jobPodName, s.at(7), `10.0.${env.nodes.indexOf(jobNode) + 1}${r.int(0, 9)}.${r.int(2, 250)}`);
    const kubectl = startPod(s, jobPod);
    s.read(kubectl, 7.2, '/var/run/secrets/kubernetes.io/serviceaccount/token');
    s.connect(kubectl, 7.4, '10.100.0.1', 443);
    const sa = serviceAccount(ns, 'pg-backup', jobPod.ip, 'kubectl/v1.30.4 (linux/amd64) kubernetes/a51b3b7');
    s.audit(sa, 7.6, { verb: 'get', resource: 'pods', namespace: ns, name: pg.name });
    s.audit(sa, 7.7, { verb: 'create', resource: 'pods', namespace: ns, name: pg.name, subresource: 'exec', query: `command=%2Fbin%2Fsh&command=%2Fscripts%2Fbackup.sh&container=${pg.workload.container}&stderr=true&stdout=true` });

    // In postgres-0: dump, check, upload, clean up.
    const runc = s.exec(shimOf(pg), 8, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process${r.int(100000000, 999999999)} --detach --pid-file /run/containerd/io.containerd.runtime.v2.task/k8s.io/${pg.containerId}/${r.hex(64)}.pid ${pg.containerId}`, { uid: 0 });
    const sh = s.exec(runc, 8.2, '/bin/sh', '/scripts/backup.sh', { pod: pg, uid: pg.workload.uid, cwd: '/var/lib/postgresql' });
    s.read(sh, 8.21, '/scripts/backup.sh');
    const pgDump = s.exec(sh, 8.4, '/usr/lib/postgresql/16/bin/pg_dump', `-Fc -Z 6 -f ${dump} acme`);
    s.open(pgDump, 8.6, dump, 4);
    const dumpSeconds = r.int(180, 260);
    for (let k = 0; k < 6; k++) s.write(pgDump, 9 + (k * dumpSeconds) / 6, dump);
    s.exit(pgDump, 9 + dumpSeconds);
    let t = 10 + dumpSeconds;
    const sum = s.exec(sh, t, '/usr/bin/sha256sum', dump);
    s.read(sum, t + 0.1, dump);
    s.exit(sum, t + 6);
    t += 7;
    const aws = s.exec(sh, t, '/usr/local/bin/aws', `s3 cp ${dump} s3://acme-backups/${key} --sse aws:kms --only-show-errors`);
    s.read(aws, t + 0.6, '/var/run/secrets/eks.amazonaws.com/serviceaccount/token');
    s.connect(aws, t + 0.7, '52.94.21.107', 443);

    // IRSA: the web identity token exchanged for the backup role's session.
    const sessionName = `botocore-session-${Math.floor(s.at(t) / 1000)}`;
    const roleId = awsBackup.principalId.split(':')[0] ?? '';
    const oidc = `oidc.eks.${env.region}.amazonaws.com/id/${r.hex(32).toUpperCase()}`;
    const irsa: AwsPrincipal = {
      ...awsBackup, name: sessionName, arn: `arn:aws:sts::${env.accountId}:assumed-role/backup-operator/${sessionName}`, principalId: `${roleId}:${sessionName}`,
      accessKeyId: `ASIA${r.alnum(16).toUpperCase()}`, sourceIps: [pg.node.ip],
      userAgent: 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.112-124.190.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off md/command#s3.cp',
    };
    const assume = cloudTrailRecord(r, env, irsa, s.at(t + 0.8), {
      source: 'sts.amazonaws.com', name: 'AssumeRoleWithWebIdentity',
      requestParameters: { roleArn: awsBackup.roleArn, roleSessionName: sessionName },
      responseElements: {
        credentials: { accessKeyId: irsa.accessKeyId, sessionToken: 'HIDDEN_DUE_TO_SECURITY_REASONS', expiration: new Date(s.at(t) + 3_600_000).toUTCString() },
        subjectFromWebIdentityToken: `system:serviceaccount:${ns}:pg-backup`, assumedRoleUser: { assumedRoleId: irsa.principalId, arn: irsa.arn },
        provider: `arn:aws:iam::${env.accountId}:oidc-provider/${oidc}`, audience: 'sts.amazonaws.com',
      },
    });
    assume['userIdentity'] = { type: 'WebIdentityUser', principalId: `${oidc}:sts.amazonaws.com:system:serviceaccount:${ns}:pg-backup`, userName: `system:serviceaccount:${ns}:pg-backup`, identityProvider: oidc };
    s.out.push({ source: 'cloudtrail', timeMs: s.at(t + 0.8), stream: env.region, record: assume });

    const bucket = 'acme-backups';
    const uploadId = r.alnum(48);
    const parts = 6;
    const partBytes = 268_435_456;
    const objectParams = { bucketName: bucket, Host: `${bucket}.s3.${env.region}.amazonaws.com`, key };
    const objectCall = (name: string, params: Record<string, unknown>, bytesIn: number, response: Record<string, unknown> | null = null): ApiCall => {
      const base = s3ObjectCall(env, 'PutObject', bucket, key, bytesIn);
      return { ...base, name, requestParameters: { ...objectParams, ...params }, responseElements: response };
    };
    t += 1.2;
    s.cloud(irsa, t, objectCall('CreateMultipartUpload', { uploads: '', 'x-amz-server-side-encryption': 'aws:kms' }, 0, { 'x-amz-server-side-encryption': 'aws:kms', uploadId }));
    for (let k = 1; k <= parts; k++) {
      s.connect(aws, t + 0.1 + k * 0.01, '52.218.48.10', 443);
      s.cloud(irsa, t + 0.2 + k * 0.05, objectCall('UploadPart', { partNumber: k, uploadId }, k === parts ? r.int(40_000_000, partBytes) : partBytes, { 'x-amz-server-side-encryption': 'aws:kms' }));
    }
    // Parts go up in parallel; the last one lands a minute or so later.
    for (let k = 0; k < 4; k++) s.read(aws, t + 1 + k * 15, dump);
    t += 70 + r.next() * 30;
    s.cloud(irsa, t, objectCall('CompleteMultipartUpload', { uploadId }, 0, { 'x-amz-server-side-encryption': 'aws:kms' }));
    s.exit(aws, t + 0.4);
    t += 1;
    const rm = s.exec(sh, t, '/bin/rm', `-f ${dump}`);
    s.exit(rm, t + 0.05);
    s.exit(sh, t + 0.1);
    s.exit(runc, t + 0.2);
    const kubectlMain = mainOf(jobPod);
    s.exit(kubectlMain, t + 0.4);
    s.audit(controller(env, 'job-controller'), t + 2, { verb: 'update', resource: 'jobs', group: 'batch', namespace: ns, name: jobName, subresource: 'status' });

    // AWS Backup rotates the snapshots that passed their retention.
    t += 60 + r.int(0, 60);
    s.cloud(awsBackup, t, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshots', requestParameters: { snapshotType: 'awsbackup' } });
    for (const db of env.databases) {
      t += 2 + r.next() * 3;
      s.cloud(awsBackup, t, { source: 'rds.amazonaws.com', name: 'DeleteDBSnapshot', requestParameters: { dBSnapshotIdentifier: `awsbackup:job-${r.uuid()}` }, responseElements: { dBInstanceIdentifier: db, status: 'deleted', snapshotType: 'awsbackup' } });
    }
    for (let k = 0; k < volumes.length; k++) {
      t += 1 + r.next() * 2;
      s.cloud(awsBackup, t, { source: 'ec2.amazonaws.com', name: 'DeleteSnapshot', requestParameters: { snapshotId: `snap-0${r.hex(16)}` }, responseElements: { _return: true } });
    }
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// The node group scales out.

const ASG_USER_AGENT = 'autoscaling.amazonaws.com';

const autoscaling: BenignScenario = {
  kind: 'benign',
  id: 'benign-autoscaling',
  resembles: 'cryptojacking',
  title: 'The node group scales out by one node',
  description:
    "Pending pods make the cluster autoscaler (its IRSA role, from the node it runs on) raise the node group's desired capacity; EC2 Auto Scaling's service-linked role launches one more m6i.xlarge from the node group's launch template. The new node boots, its kubelet registers it (CSR, node object, lease), the DaemonSet controller creates its aws-node and kube-proxy pods (privileged, host network, host paths: the EKS add-on images), and they start on the new node, whose CNI agent allocates ENI addresses with the node's instance role. An instance launched and privileged pods created without a person: what a hijacked account or an escape looks like at a glance.",
  techniques: ['T1578.002', 'T1610'],
  durationMs: 3 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const asg = `eks-general-${r.uuid()}`;
    const caNode = env.nodes[0] as Node;
    const caRole = 'acme-prod-cluster-autoscaler';
    const caSession = `botocore-session-${Math.floor(s.at(0) / 1000)}`;
    const caRoleId = `AROA${r.alnum(17).toUpperCase()}`;
    const ca: AwsPrincipal = {
      kind: 'AssumedRole', name: caSession, arn: `arn:aws:sts::${env.accountId}:assumed-role/${caRole}/${caSession}`, roleArn: `arn:aws:iam::${env.accountId}:role/${caRole}`,
      principalId: `${caRoleId}:${caSession}`, accessKeyId: `ASIA${r.alnum(16).toUpperCase()}`, sourceIps: [caNode.ip],
      userAgent: 'aws-sdk-go/1.44.241 (go1.22.5; linux; amd64)', hours: [0, 24], weekends: true, mfa: false, calls: [], callsPerHour: 0,
    };
    const slrId = `AROA${r.alnum(17).toUpperCase()}`;
    const autoScalingRole: AwsPrincipal = {
      kind: 'AssumedRole', name: 'AutoScaling', arn: `arn:aws:sts::${env.accountId}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling`,
      roleArn: `arn:aws:iam::${env.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      principalId: `${slrId}:AutoScaling`, accessKeyId: `ASIA${r.alnum(16).toUpperCase()}`, sourceIps: [ASG_USER_AGENT], userAgent: ASG_USER_AGENT,
      hours: [0, 24], weekends: true, mfa: false, calls: [], callsPerHour: 0,
    };
    const caSa = serviceAccount('kube-system', 'cluster-autoscaler', `10.0.1${r.int(0, 9)}.${r.int(2, 250)}`, 'cluster-autoscaler/v1.30.2');

    s.audit(caSa, 0, { verb: 'list', resource: 'pods' });
    s.cloud(ca, 1.5, { source: 'autoscaling.amazonaws.com', name: 'DescribeAutoScalingGroups', requestParameters: { autoScalingGroupNames: [asg], maxRecords: 100 } });
    s.cloud(ca, 2.1, { source: 'autoscaling.amazonaws.com', name: 'SetDesiredCapacity', requestParameters: { autoScalingGroupName: asg, desiredCapacity: env.nodes.length + 1, honorCooldown: false } });
    s.audit(caSa, 2.4, { verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'cluster-autoscaler-status' });

    // Auto Scaling launches the instance.
    const idx = env.nodes.length;
    const ip = `10.0.${(idx % 3) + 1}.${r.int(10, 250)}`;
    const zone = `${env.region}${'abc'[idx % 3] ?? 'a'}`;
    const instanceId = `i-0${r.hex(16)}`;
    const node: Node = { name: `ip-${ip.replaceAll('.', '-')}.${env.region}.compute.internal`, instanceId, ip, zone, bootMs: s.at(48) };
    const subnet = `subnet-0${r.hex(16)}`;
    s.cloud(autoScalingRole, 9, {
      source: 'ec2.amazonaws.com', name: 'RunInstances',
      requestParameters: {
        instancesSet: { items: [{ minCount: 1, maxCount: 1 }] }, launchTemplate: { launchTemplateId: `lt-0${r.hex(16)}`, version: '4' }, instanceType: 'm6i.xlarge',
        subnetId: subnet, disableApiTermination: false, clientToken: r.uuid(),
        tagSpecificationSet: { items: [{ resourceType: 'instance', tags: [{ key: 'aws:autoscaling:groupName', value: asg }, { key: 'eks:cluster-name', value: env.cluster }, { key: 'eks:nodegroup-name', value: 'general' }] }] },
      },
      responseElements: {
        requestId: r.uuid(), reservationId: `r-0${r.hex(16)}`, ownerId: env.accountId, requesterId: '940372691376', groupSet: {},
        instancesSet: { items: [{ instanceId, imageId: `ami-0${r.hex(16)}`, currentState: { code: 0, name: 'pending' }, privateDnsName: node.name, instanceType: 'm6i.xlarge', launchTime: s.at(9), placement: { availabilityZone: zone, tenancy: 'default' }, privateIpAddress: ip, subnetId: subnet }] },
      },
    });

    // The node boots and registers.
    const kubelet = kubeletIdentity(env, node);
    s.audit(kubelet, 88, { verb: 'create', resource: 'certificatesigningrequests', group: 'certificates.k8s.io' });
    s.audit(kubelet, 88.6, { verb: 'create', resource: 'nodes' });
    s.audit(kubelet, 89.1, { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-node-lease' });
    s.audit(kubelet, 90, { verb: 'patch', resource: 'nodes', name: node.name, subresource: 'status' });

    // Its DaemonSet pods.
    const ds = controller(env, 'daemon-set-controller');
    const specs: Record<string, object> = {
      'aws-node': {
        hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: 'aws-node',
        initContainers: [{ name: 'aws-vpc-cni-init', image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni-init:v1.18.2', securityContext: { privileged: true } }],
        containers: [{ name: 'aws-node', image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.18.2', securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } } }],
        volumes: [{ name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } }, { name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } }, { name: 'log-dir', hostPath: { path: '/var/log/aws-routed-eni', type: 'DirectoryOrCreate' } }, { name: 'run-dir', hostPath: { path: '/var/run/aws-node', type: 'DirectoryOrCreate' } }, { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } }],
      },
      'kube-proxy': {
        hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: 'kube-proxy',
        containers: [{ name: 'kube-proxy', image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.30.0-eksbuild.3', command: ['kube-proxy', '--v=2', '--config=/var/lib/kube-proxy-config/config'], securityContext: { privileged: true } }],
        volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }, { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } }, { name: 'lib-modules', hostPath: { path: '/lib/modules' } }],
      },
    };
    let t = 91;
    const started: Pod[] = [];
    for (const name of ['aws-node', 'kube-proxy']) {
      const w = env.workloads.find((x) => x.name === name);
      if (w === undefined) continue;
      const pod = makePod(ctx, w, node, `${name}-${r.hex(5)}`, s.at(t + 6 + r.next() * 4), node.ip);
      s.audit(ds, t, {
        verb: 'create', resource: 'pods', namespace: w.namespace,
        requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { generateName: `${name}-`, namespace: w.namespace, labels: w.labels }, spec: { ...specs[name], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.name] }] }] } } } } },
        responseObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: pod.name, generateName: `${name}-`, namespace: w.namespace, uid: pod.uid, creationTimestamp: `${new Date(s.at(t)).toISOString().slice(0, 19)}Z`, labels: w.labels } },
      });
      s.audit(scheduler(env), t + 0.05, { verb: 'create', resource: 'pods', namespace: w.namespace, name: pod.name, subresource: 'binding' });
      started.push(pod);
      t += 0.3;
    }
    const role = instanceSession(env, node);
    for (const pod of started) {
      const start = (pod.startMs - s.at(0)) / 1000;
      const main = startPod(s, pod);
      s.audit(kubelet, start + 3, { verb: 'patch', resource: 'pods', namespace: pod.workload.namespace, name: pod.name, subresource: 'status' });
      if (pod.workload.name === 'aws-node') {
        s.connect(main, start + 0.4, '169.254.169.254', 80);
        s.connect(main, start + 0.9, '10.100.0.1', 443);
        s.write(main, start + 1.2, '/host/var/log/aws-routed-eni/ipamd.log');
        s.cloud(role, start + 1.5, { source: 'ec2.amazonaws.com', name: 'DescribeInstances', requestParameters: { instancesSet: { items: [{ instanceId }] }, filterSet: {} } });
        s.cloud(role, start + 2, { source: 'ec2.amazonaws.com', name: 'DescribeNetworkInterfaces', requestParameters: { networkInterfaceIdSet: {}, filterSet: { items: [{ name: 'attachment.instance-id', valueSet: { items: [{ value: instanceId }] } }] } } });
        const eni = `eni-0${r.hex(16)}`;
        s.cloud(role, start + 3, { source: 'ec2.amazonaws.com', name: 'CreateNetworkInterface', requestParameters: { subnetId: subnet, description: 'aws-K8S-' + instanceId, groupSet: {}, privateIpAddressesSet: {} }, responseElements: { networkInterface: { networkInterfaceId: eni, subnetId: subnet, status: 'pending' } } });
        s.cloud(role, start + 3.6, { source: 'ec2.amazonaws.com', name: 'AttachNetworkInterface', requestParameters: { networkInterfaceId: eni, instanceId, deviceIndex: 1, networkCardIndex: 0 } });
        s.cloud(role, start + 4.4, { source: 'ec2.amazonaws.com', name: 'AssignPrivateIpAddresses', requestParameters: { networkInterfaceId: eni, secondaryPrivateIpAddressCount: 14 } });
        const probe = s.exec(shimOf(pod), start + 20, '/app/grpc-health-probe', '-addr=:50051 -connect-timeout=5s -rpc-timeout=5s', { pod, uid: 0 });
        s.exit(probe, start + 20.05);
      } else {
        s.read(main, start + 0.3, '/var/lib/kube-proxy-config/config');
        s.connect(main, start + 0.5, '10.100.0.1', 443);
        const ipt = s.exec(main, start + 2, '/usr/sbin/iptables-restore', '-w 5 --noflush --counters');
        s.exit(ipt, start + 2.2);
      }
    }
    s.audit(kubelet, t + 40, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-node-lease', name: node.name });
    s.audit(caSa, t + 45, { verb: 'update', resource: 'configmaps', namespace: 'kube-system', name: 'cluster-autoscaler-status' });
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// A developer removes her test namespace.

const devDeletesNamespace: BenignScenario = {
  kind: 'benign',
  id: 'benign-dev-deletes-test-namespace',
  resembles: 'data-destruction',
  title: 'A developer deletes her own test namespace',
  description:
    "dev-carol@acme.io, from the office in working hours, is done testing: she lists what runs in carol-test, deletes its three deployments (kubectl delete deploy --all: one DELETE each) and then the namespace itself. The garbage collector removes the ReplicaSets and pods, the test pods' processes exit, and the namespace controller empties the namespace with a deletecollection per resource type. Bulk deletes by a person: what destruction looks like in the audit log.",
  techniques: ['T1485'],
  durationMs: 2 * 60_000,
  placeAt: (ms) => officeTime(ms),
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const carol = env.admins.find((a) => a.username === 'dev-carol@acme.io') ?? env.admins[1];
    if (carol === undefined) throw new Error('the environment has no developer identity');
    const ns = 'carol-test';
    const pick = (name: string): Workload => {
      const w = env.workloads.find((x) => x.name === name);
      if (w === undefined) throw new Error(`scenario needs workload ${name}, which the environment lacks`);
      return w;
    };
    const tests: readonly Workload[] = [
      { ...pick('orders-api'), name: 'api-test', namespace: ns, image: 'docker.io/acme/orders-api:1.15.0-rc.2', serviceAccount: 'default', labels: { app: 'api-test' } },
      { ...pick('mailer'), name: 'worker-test', namespace: ns, image: 'docker.io/acme/mailer:0.10.0-rc.1', serviceAccount: 'default', labels: { app: 'worker-test' } },
      { ...pick('mailer'), name: 'redis-test', namespace: ns, image: 'docker.io/library/redis:7.4.1', serviceAccount: 'default', labels: { app: 'redis-test' }, main: { binary: '/usr/local/bin/redis-server', args: '*:6379' }, uid: 999 },
    ];
    const pods = tests.map((w, i) => {
      const node = env.nodes[i % env.nodes.length] as Node;
      return makePod(ctx, w, node, `${w.name}-${podHash(r)}-${r.hex(5)}`, s.at(0) - r.int(2, 5) * 86_400_000, `10.0.${(i % env.nodes.length) + 1}${r.int(0, 9)}.${r.int(2, 250)}`);
    });

    s.audit(carol, 0, { verb: 'list', resource: 'namespaces' });
    s.audit(carol, 7, { verb: 'list', resource: 'deployments', group: 'apps', namespace: ns });
    s.audit(carol, 12, { verb: 'list', resource: 'pods', namespace: ns });
    let t = 31;
    s.audit(carol, t, { verb: 'list', resource: 'deployments', group: 'apps', namespace: ns });
    const gc = controller(env, 'generic-garbage-collector');
    tests.forEach((w, i) => {
      const pod = pods[i] as Pod;
      s.audit(carol, t + 0.2 + i * 0.1, { verb: 'delete', resource: 'deployments', group: 'apps', namespace: ns, name: w.name });
      s.audit(gc, t + 0.5 + i * 0.1, { verb: 'delete', resource: 'replicasets', group: 'apps', namespace: ns, name: `${pod.name.split('-').slice(0, -1).join('-')}` });
      s.audit(gc, t + 0.8 + i * 0.1, { verb: 'delete', resource: 'pods', namespace: ns, name: pod.name });
      stopMain(s, pod, t + 1.5 + r.next() * 2);
      s.audit(kubeletIdentity(env, pod.node), t + 4 + i * 0.3, { verb: 'patch', resource: 'pods', namespace: ns, name: pod.name, subresource: 'status' });
      s.audit(kubeletIdentity(env, pod.node), t + 4.2 + i * 0.3, { verb: 'delete', resource: 'pods', namespace: ns, name: pod.name });
    });
    t += 48;
    s.audit(carol, t, { verb: 'delete', resource: 'namespaces', name: ns });
    const nsc = controller(env, 'namespace-controller');
    t += 0.5;
    for (const [resource, group] of [['configmaps', ''], ['endpoints', ''], ['events', ''], ['limitranges', ''], ['persistentvolumeclaims', ''], ['pods', ''], ['resourcequotas', ''], ['secrets', ''], ['serviceaccounts', ''], ['controllerrevisions', 'apps'], ['deployments', 'apps'], ['replicasets', 'apps'], ['jobs', 'batch'], ['leases', 'coordination.k8s.io']] as const) {
      s.audit(nsc, t, { verb: 'deletecollection', resource, namespace: ns, ...(group === '' ? {} : { group }) });
      t += 0.03 + r.next() * 0.05;
    }
    for (const svc of ['api-test', 'redis-test']) {
      s.audit(nsc, t, { verb: 'delete', resource: 'services', namespace: ns, name: svc });
      t += 0.05;
    }
    s.audit(nsc, t + 5, { verb: 'update', resource: 'namespaces', name: ns, subresource: 'finalize' });
    return s.out;
  },
};

export const BENIGN: readonly BenignScenario[] = [adminExec, holidayLogin, yearlyReport, ciDeployment, nightlyBackup, autoscaling, devDeletesNamespace];
