/**
 * Data destruction: buckets emptied and deleted with stolen admin keys, databases and their
 * backups deleted with a stolen CI session (cloud only), and the cluster's workloads and the
 * database's files wiped with a stolen service-account token (audit and runtime).
 */

import type { Random } from '../../core/random.js';
import type { AwsPrincipal, Environment, K8sIdentity } from '../model.js';
import type { ApiCall } from '../records/cloudtrail.js';
import { shimOf } from '../records/tetragon.js';
import type { AttackScenario } from '../scenario.js';
import { Script } from '../script.js';

/** aws-cli v2 on a Kali VPS, with the command the CLI names in its agent. */
function kaliCli(command: string): string {
  return `aws-cli/2.15.40 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.15-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#kali.2024 md/prompt#off md/command#${command}`;
}

const BOTO3 = 'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-1016-aws md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36';

function s3Extra(bytesIn: number, bytesOut: number): Record<string, unknown> {
  return { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: bytesIn, bytesTransferredOut: bytesOut, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'Zm9v' };
}

/** A bucket-level S3 call (management event unless said otherwise). */
function bucketCall(env: Environment, name: string, bucket: string, params: Record<string, unknown>, extra: Partial<ApiCall> = {}): ApiCall {
  return {
    source: 's3.amazonaws.com',
    name,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${env.region}.amazonaws.com`, ...params },
    additionalEventData: s3Extra(0, 0),
    resources: [{ accountId: env.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
    ...extra,
  };
}

/** A multi-object delete: CloudTrail names the objects in `resources`, not in the request. */
function deleteObjects(env: Environment, bucket: string, keys: readonly string[], batch: number, userAgent: string): ApiCall {
  return {
    source: 's3.amazonaws.com',
    name: 'DeleteObjects',
    category: 'Data',
    readOnly: false,
    userAgent,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${env.region}.amazonaws.com`, delete: '' },
    additionalEventData: s3Extra(batch * 118, 0),
    resources: [
      ...keys.map((k) => ({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${k}` })),
      { accountId: env.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
  };
}

/** Object keys of a bucket, as the attacker's listing returns them. */
function keysOf(r: Random, bucket: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = `2026-${String(r.int(6, 10)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    switch (bucket) {
      case 'acme-backups':
        out.push(r.pick([`velero/backups/daily-${day.replaceAll('-', '')}020012/daily-${day.replaceAll('-', '')}020012.tar.gz`, `pg_basebackup/orders/${day}/base.tar.gz`, `pg_wal_archive/orders/0000000100000${r.hex(3).toUpperCase()}000000${r.hex(2).toUpperCase()}`, `rds-exports/payments-prod/${day}/part-${r.int(0, 40)}.parquet`]));
        break;
      case 'acme-customer-exports':
        out.push(r.pick([`exports/daily/${day}/customers.csv.gz`, `exports/daily/${day}/orders.csv.gz`, `exports/partners/${r.pick(['northwind', 'contoso', 'globex'])}/${day}.csv`]));
        break;
      default:
        out.push(`reports/${day}/${r.hex(8)}.csv`);
    }
  }
  return out;
}

/**
 * Alice's long-term access keys, stolen from her laptop, are used from a VPS to suspend
 * versioning, set one-day expiry, delete the export and backup objects and the buckets.
 */
const s3MassDelete: AttackScenario = {
  kind: 'attack',
  id: 'data-destruction-s3-mass-delete',
  intent: 'data-destruction',
  title: 'Buckets emptied and deleted with stolen admin access keys',
  description:
    "alice's long-term access keys (admin), taken from her laptop by an infostealer, are used from a Kali VPS never seen before. With aws-cli the attacker checks the identity, lists the buckets, " +
    'reads the versioning, object-lock and replication settings of the backup bucket (none of the last two), suspends versioning on acme-backups and acme-customer-exports and ' +
    'puts a lifecycle rule on acme-backups and acme-finance-reports that expires current and noncurrent versions after one day. A boto3 script then lists every version of ' +
    'acme-customer-exports and deletes them 1,000 at a time (DeleteObjects), deletes the emptied bucket, and starts on acme-backups, whose DeleteBucket fails (not empty: the lifecycle rule will finish it).',
  techniques: ['T1078.004', 'T1619', 'T1490', 'T1485.001', 'T1485'],
  durationMs: 9 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const r = ctx.random;
    const env = ctx.env;
    const alice = env.awsPrincipals.find((p) => p.name === 'alice');
    if (alice === undefined) throw new Error('the environment has no admin user alice');
    const ip = '198.51.100.229';
    const who: AwsPrincipal = { ...alice, mfa: false, sourceIps: [ip], userAgent: kaliCli('sts.get-caller-identity') };

    s.cloud(who, 0, { source: 'sts.amazonaws.com', name: 'GetCallerIdentity' });
    let t = r.int(8, 20);
    s.cloud(who, t, { source: 's3.amazonaws.com', name: 'ListBuckets', userAgent: kaliCli('s3.ls'), requestParameters: { Host: `s3.${env.region}.amazonaws.com` }, additionalEventData: s3Extra(0, 0) });
    t += r.int(15, 40);
    for (const b of ['acme-backups', 'acme-customer-exports']) {
      s.cloud(who, t, bucketCall(env, 'GetBucketVersioning', b, { versioning: '' }, { userAgent: kaliCli('s3api.get-bucket-versioning') }));
      t += r.int(4, 10);
    }
    s.cloud(who, t, bucketCall(env, 'GetBucketObjectLockConfiguration', 'acme-backups', { 'object-lock': '' }, { userAgent: kaliCli('s3api.get-object-lock-configuration'), errorCode: 'ObjectLockConfigurationNotFoundError', errorMessage: 'Object Lock configuration does not exist for this bucket' }));
    t += r.int(5, 12);
    s.cloud(who, t, bucketCall(env, 'GetBucketReplication', 'acme-backups', { replication: '' }, { userAgent: kaliCli('s3api.get-bucket-replication'), errorCode: 'ReplicationConfigurationNotFoundError', errorMessage: 'The replication configuration was not found' }));
    t += r.int(15, 35);
    for (const b of ['acme-backups', 'acme-customer-exports']) {
      s.cloud(who, t, bucketCall(env, 'PutBucketVersioning', b, { versioning: '', VersioningConfiguration: { Status: 'Suspended', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' } }, { userAgent: kaliCli('s3api.put-bucket-versioning'), readOnly: false, additionalEventData: s3Extra(118, 0) }));
      t += r.int(5, 12);
    }
    t += r.int(10, 30);
    for (const b of ['acme-backups', 'acme-finance-reports']) {
      s.cloud(who, t, bucketCall(env, 'PutBucketLifecycle', b, {
        lifecycle: '',
        LifecycleConfiguration: {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          Rule: { ID: 'tmp-cleanup', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 }, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        },
      }, { userAgent: kaliCli('s3api.put-bucket-lifecycle-configuration'), readOnly: false, additionalEventData: s3Extra(402, 0) }));
      t += r.int(6, 15);
    }

    // The deletion script: every version, a thousand keys a request.
    t += r.int(60, 150);
    const purge = (bucket: string, batches: number): void => {
      s.cloud(who, t, bucketCall(env, 'ListObjectVersions', bucket, { versions: '', 'encoding-type': 'url', prefix: '' }, { userAgent: BOTO3, category: 'Data', readOnly: true, additionalEventData: s3Extra(0, r.int(180_000, 420_000)) }));
      t += r.int(2, 6);
      for (let i = 0; i < batches; i++) {
        s.cloud(who, t, deleteObjects(env, bucket, keysOf(r, bucket, r.int(8, 20)), 1000, BOTO3));
        t += 1 + r.next() * 4;
        if (i % 4 === 3) {
          s.cloud(who, t, bucketCall(env, 'ListObjectVersions', bucket, { versions: '', 'encoding-type': 'url', prefix: '', 'key-marker': keysOf(r, bucket, 1)[0] }, { userAgent: BOTO3, category: 'Data', readOnly: true, additionalEventData: s3Extra(0, r.int(180_000, 420_000)) }));
          t += 1 + r.next() * 2;
        }
      }
    };
    purge('acme-customer-exports', r.int(7, 11));
    s.cloud(who, t, bucketCall(env, 'ListObjectVersions', 'acme-customer-exports', { versions: '', 'encoding-type': 'url', prefix: '' }, { userAgent: BOTO3, category: 'Data', readOnly: true, additionalEventData: s3Extra(0, 312) }));
    t += r.int(2, 5);
    s.cloud(who, t, bucketCall(env, 'DeleteBucket', 'acme-customer-exports', {}, { userAgent: BOTO3, readOnly: false }));
    t += r.int(5, 15);
    purge('acme-backups', r.int(18, 28));
    s.cloud(who, t, bucketCall(env, 'DeleteBucket', 'acme-backups', {}, { userAgent: BOTO3, readOnly: false, errorCode: 'BucketNotEmpty', errorMessage: 'The bucket you tried to delete is not empty. You must delete all versions in the bucket.' }));
    return s.out;
  },
};

/**
 * The CI deploy role's session, dumped by a poisoned workflow, is used from a VPS: the account
 * trail is stopped, backups and snapshots deleted, the databases deleted without a final
 * snapshot, and the cluster's nodes terminated.
 */
const rdsAndBackups: AttackScenario = {
  kind: 'attack',
  id: 'data-destruction-rds-and-backups',
  intent: 'data-destruction',
  title: 'Databases, snapshots and backup recovery points deleted with a stolen CI session',
  description:
    "A poisoned pull-request workflow prints the GitHub Actions deploy role's temporary credentials into its log; a quarter of an hour later a boto3 script uses them from a VPS. " +
    "It stops the account's own CloudTrail trail (the organization trail, which a member account cannot stop, keeps recording), inventories the databases, manual snapshots, " +
    'backup vault and EBS snapshots, turns off deletion protection on both databases, deletes every AWS Backup recovery point, manual DB snapshot and EBS snapshot, deletes both ' +
    'RDS instances with SkipFinalSnapshot and DeleteAutomatedBackups, scales the node group to zero and terminates the cluster nodes.',
  techniques: ['T1078.004', 'T1562.008', 'T1580', 'T1490', 'T1485'],
  durationMs: 5 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const r = ctx.random;
    const env = ctx.env;
    const ci = env.awsPrincipals.find((p) => p.roleArn?.endsWith(':role/ci-deploy') === true);
    if (ci === undefined) throw new Error('the environment has no ci-deploy role');
    const who: AwsPrincipal = { ...ci, sourceIps: ['192.0.2.143'], userAgent: BOTO3 };
    const trailArn = `arn:aws:cloudtrail:${env.region}:${env.accountId}:trail/acme-account-trail`;
    const vault = 'acme-prod-vault';
    const rdsArn = (kind: string, id: string) => `arn:aws:rds:${env.region}:${env.accountId}:${kind}:${id}`;
    const step = (lo: number, hi: number) => lo + r.next() * (hi - lo);

    s.cloud(who, 0, { source: 'sts.amazonaws.com', name: 'GetCallerIdentity' });
    let t = step(3, 8);
    s.cloud(who, t, { source: 'cloudtrail.amazonaws.com', name: 'DescribeTrails', requestParameters: { trailNameList: [], includeShadowTrails: true } });
    t += step(1, 3);
    s.cloud(who, t, { source: 'cloudtrail.amazonaws.com', name: 'GetTrailStatus', requestParameters: { name: trailArn } });
    t += step(1, 3);
    s.cloud(who, t, { source: 'cloudtrail.amazonaws.com', name: 'StopLogging', readOnly: false, requestParameters: { name: trailArn } });

    t += step(5, 15);
    s.cloud(who, t, { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', requestParameters: { maxRecords: 100 } });
    t += step(1, 3);
    s.cloud(who, t, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshots', requestParameters: { snapshotType: 'manual', includeShared: false, includePublic: false } });
    t += step(1, 3);
    s.cloud(who, t, { source: 'backup.amazonaws.com', name: 'ListBackupVaults', requestParameters: { maxResults: 1000 } });
    t += step(1, 3);
    s.cloud(who, t, { source: 'backup.amazonaws.com', name: 'ListRecoveryPointsByBackupVault', requestParameters: { backupVaultName: vault, maxResults: 1000 } });
    t += step(1, 3);
    s.cloud(who, t, { source: 'ec2.amazonaws.com', name: 'DescribeSnapshots', requestParameters: { snapshotSet: {}, ownersSet: { items: [{ owner: 'self' }] }, restorableBySet: {}, filterSet: {} } });

    t += step(20, 60);
    for (const db of env.databases) {
      s.cloud(who, t, {
        source: 'rds.amazonaws.com', name: 'ModifyDBInstance', readOnly: false,
        requestParameters: { dBInstanceIdentifier: db, applyImmediately: true, deletionProtection: false },
        responseElements: { dBInstanceIdentifier: db, dBInstanceArn: rdsArn('db', db), dBInstanceStatus: 'available', engine: 'postgres', deletionProtection: false, multiAZ: true },
      });
      t += step(1, 3);
    }

    // Recovery points first (RDS and EBS ones AWS Backup made), then the manual copies.
    const points = r.int(6, 10);
    for (let i = 0; i < points; i++) {
      const arn = i % 3 === 2 ? `arn:aws:ec2:${env.region}::snapshot/snap-0${r.hex(16)}` : rdsArn('snapshot', `awsbackup:job-${r.uuid()}`);
      s.cloud(who, t, { source: 'backup.amazonaws.com', name: 'DeleteRecoveryPoint', readOnly: false, requestParameters: { backupVaultName: vault, recoveryPointArn: arn } });
      t += step(0.5, 2);
    }
    for (const snap of env.snapshots) {
      const db = env.databases.find((d) => snap.startsWith(d)) ?? env.databases[0] ?? 'orders-prod';
      s.cloud(who, t, {
        source: 'rds.amazonaws.com', name: 'DeleteDBSnapshot', readOnly: false,
        requestParameters: { dBSnapshotIdentifier: snap },
        responseElements: { dBSnapshotIdentifier: snap, dBInstanceIdentifier: db, dBSnapshotArn: rdsArn('snapshot', snap), status: 'deleted', snapshotType: 'manual', engine: 'postgres', encrypted: true },
      });
      t += step(0.5, 2);
    }
    const ebs = r.int(2, 4);
    for (let i = 0; i < ebs; i++) {
      s.cloud(who, t, { source: 'ec2.amazonaws.com', name: 'DeleteSnapshot', readOnly: false, requestParameters: { snapshotId: `snap-0${r.hex(16)}` }, responseElements: { requestId: r.uuid(), _return: true } });
      t += step(0.5, 2);
    }

    t += step(5, 20);
    for (const db of env.databases) {
      s.cloud(who, t, {
        source: 'rds.amazonaws.com', name: 'DeleteDBInstance', readOnly: false,
        requestParameters: { dBInstanceIdentifier: db, skipFinalSnapshot: true, deleteAutomatedBackups: true },
        responseElements: { dBInstanceIdentifier: db, dBInstanceArn: rdsArn('db', db), dBInstanceStatus: 'deleting', engine: 'postgres', deletionProtection: false },
      });
      t += step(1, 3);
    }

    // The cluster's nodes: the node group scaled to zero first, so nothing replaces them.
    t += step(20, 60);
    const asg = `eks-acme-prod-ng-${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`;
    s.cloud(who, t, { source: 'autoscaling.amazonaws.com', name: 'DescribeAutoScalingGroups', requestParameters: { maxRecords: 100 } });
    t += step(1, 3);
    s.cloud(who, t, { source: 'autoscaling.amazonaws.com', name: 'UpdateAutoScalingGroup', readOnly: false, requestParameters: { autoScalingGroupName: asg, minSize: 0, maxSize: 0, desiredCapacity: 0 } });
    t += step(2, 6);
    s.cloud(who, t, { source: 'ec2.amazonaws.com', name: 'DescribeInstances', requestParameters: { instancesSet: {}, filterSet: { items: [{ name: 'tag:eks:cluster-name', valueSet: { items: [{ value: env.cluster }] } }] } } });
    t += step(1, 3);
    s.cloud(who, t, {
      source: 'ec2.amazonaws.com', name: 'TerminateInstances', readOnly: false,
      requestParameters: { instancesSet: { items: env.nodes.map((n) => ({ instanceId: n.instanceId })) } },
      responseElements: { requestId: r.uuid(), instancesSet: { items: env.nodes.map((n) => ({ instanceId: n.instanceId, currentState: { code: 32, name: 'shutting-down' }, previousState: { code: 16, name: 'running' } })) } },
    });
    return s.out;
  },
};

const API_GROUPS: Readonly<Record<string, readonly [string, string]>> = {
  Deployment: ['deployments', 'apps'],
  StatefulSet: ['statefulsets', 'apps'],
  CronJob: ['cronjobs', 'batch'],
  DaemonSet: ['daemonsets', 'apps'],
};

/** Files of a PostgreSQL data directory, as find lists them. */
function pgFiles(r: Random, n: number): string[] {
  const fixed = ['PG_VERSION', 'postgresql.conf', 'pg_hba.conf', 'postmaster.opts', 'global/pg_control', 'global/1260', 'global/1262'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    const rel = x < 0.15 ? (fixed[r.int(0, fixed.length - 1)] as string)
      : x < 0.3 ? `pg_wal/0000000100000000000000${r.hex(2).toUpperCase()}`
      : x < 0.4 ? `pg_xact/000${r.int(0, 9)}`
      : `base/${r.pick(['1', '4', '5', '16384', '16384', '16384'])}/${r.chance(0.4) ? r.int(112, 2699) : r.int(16384, 16999)}${r.chance(0.2) ? '_fsm' : ''}`;
    out.push(`/var/lib/postgresql/data/${rel}`);
  }
  return out;
}

/**
 * The CI deployer's service-account token, leaked from the CI system, is used from outside:
 * the database files are shredded through `kubectl exec` into postgres-0, then every workload,
 * the database's claim and the application namespaces are deleted.
 */
const k8sWipe: AttackScenario = {
  kind: 'attack',
  id: 'data-destruction-k8s-wipe',
  intent: 'data-destruction',
  title: "Cluster workloads deleted and the database's files shredded with a stolen deployer token",
  description:
    "The long-lived token of the CI deployer's service account (system:serviceaccount:ci:deployer, cluster-wide rights), leaked from the CI system, is used with kubectl from an outside address. " +
    'The attacker lists its rights, the namespaces, deployments, statefulsets, claims and cronjobs, then runs `kubectl exec postgres-0 -- sh -c "find /var/lib/postgresql/data -type f -exec shred -n 1 -z -u {} + ; rm -rf /var/lib/postgresql/data"`: ' +
    'find hands the data files to shred in batches and rm removes what is left. Then it deletes every application deployment, the report CronJob, the postgres StatefulSet and its claim, ' +
    'and the application namespaces; the namespace controller empties them.',
  techniques: ['T1550.001', 'T1613', 'T1609', 'T1485'],
  durationMs: 6 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const r = ctx.random;
    const env = ctx.env;
    const attacker: K8sIdentity = { ...env.ci, sourceIps: ['203.0.113.201'], userAgent: 'kubectl/v1.30.1 (linux/amd64) kubernetes/6911225' };
    const nsController: K8sIdentity = {
      username: 'system:serviceaccount:kube-system:namespace-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      userAgent: 'kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/a51b3b7/system:serviceaccount:kube-system:namespace-controller', sourceIps: [env.apiServerIp], hours: [0, 24], weekends: true,
    };
    const pg = s.pod('postgres');
    const pgNs = pg.workload.namespace;
    const targets = env.workloads.filter((w) => w.namespace !== 'kube-system');
    const namespaces = [...new Set(targets.map((w) => w.namespace))];

    // Discovery.
    s.audit(attacker, 0, { verb: 'create', resource: 'selfsubjectrulesreviews', group: 'authorization.k8s.io' });
    let t = r.int(6, 14);
    s.audit(attacker, t, { verb: 'list', resource: 'namespaces' });
    t += r.int(5, 12);
    for (const [resource, group] of [['deployments', 'apps'], ['statefulsets', 'apps'], ['persistentvolumeclaims', ''], ['cronjobs', 'batch']] as const) {
      s.audit(attacker, t, { verb: 'list', resource, group });
      t += 1 + r.next() * 3;
    }

    // The database's files, shredded from inside its own container.
    t += r.int(15, 40);
    const script = 'find /var/lib/postgresql/data -type f -exec shred -n 1 -z -u {} + ; rm -rf /var/lib/postgresql/data';
    s.audit(attacker, t, { verb: 'get', resource: 'pods', namespace: pgNs, name: pg.name });
    s.audit(attacker, t + 0.4, {
      verb: 'create', resource: 'pods', namespace: pgNs, name: pg.name, subresource: 'exec', code: 101,
      query: `command=sh&command=-c&command=${encodeURIComponent(script)}&container=${pg.workload.container}&stderr=true&stdout=true`,
    });
    const runc = s.exec(shimOf(pg), t + 0.6, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process${r.int(100_000_000, 999_999_999)} --detach --pid-file /run/containerd/io.containerd.runtime.v2.task/k8s.io/${pg.containerId}/${r.hex(16)}.pid ${pg.containerId}`, { uid: 0 });
    const sh = s.exec(runc, t + 0.8, '/bin/sh', `-c "${script}"`, { pod: pg, uid: 0, cwd: '/' });
    const find = s.exec(sh, t + 0.82, '/usr/bin/find', '/var/lib/postgresql/data -type f -exec shred -n 1 -z -u {} +');
    let w = t + 0.9;
    const batches = r.int(3, 5);
    for (let b = 0; b < batches; b++) {
      const files = pgFiles(r, r.int(10, 16));
      const shred = s.exec(find, w, '/usr/bin/shred', `-n 1 -z -u ${files.join(' ')}`);
      s.falco(shred, w + 0.001, {
        rule: 'Remove Bulk Data from Disk', fields: { 'fd.name': null, 'evt.type': 'execve', 'proc.tty': 0, 'evt.arg.flags': 'EXE_WRITABLE|EXE_LOWER_LAYER' },
      });
      const secs = r.int(8, 25);
      files.slice(0, 4).forEach((f, i) => {
        s.open(shred, w + 0.01 + i * (secs / 5), f, 3);
        s.write(shred, w + 0.02 + i * (secs / 5), f);
      });
      s.exit(shred, w + secs);
      w += secs + 0.05;
    }
    s.exit(find, w);
    const rm = s.exec(sh, w + 0.02, '/bin/rm', '-rf /var/lib/postgresql/data');
    // The data directory is the volume's mount point: its contents go, the directory stays.
    s.exit(rm, w + 0.4, 1);
    s.exit(sh, w + 0.41, 1);
    s.exit(runc, w + 0.45);

    // Then the workloads, the claim and the namespaces.
    t = w + r.int(20, 45);
    for (const ns of namespaces) {
      const here = targets.filter((x) => x.namespace === ns);
      for (const kind of [...new Set(here.map((x) => x.kind))]) {
        const [resource, group] = API_GROUPS[kind] ?? ['deployments', 'apps'];
        s.audit(attacker, t, { verb: 'list', resource, group, namespace: ns });
        t += 0.3 + r.next();
        for (const x of here.filter((y) => y.kind === kind)) {
          s.audit(attacker, t, { verb: 'delete', resource, group, namespace: ns, name: x.name });
          t += 0.2 + r.next() * 0.6;
        }
        t += 1 + r.next() * 4;
      }
    }
    s.audit(attacker, t, { verb: 'list', resource: 'persistentvolumeclaims', namespace: pgNs });
    t += 0.5 + r.next();
    s.audit(attacker, t, { verb: 'delete', resource: 'persistentvolumeclaims', namespace: pgNs, name: `data-${pg.name}` });
    t += r.int(8, 20);
    for (const ns of namespaces) {
      s.audit(attacker, t, { verb: 'delete', resource: 'namespaces', name: ns });
      t += 0.1 + r.next() * 0.4;
    }
    // The namespace controller empties each namespace.
    for (const ns of namespaces) {
      let c = t + 1 + r.next() * 3;
      for (const [resource, group] of [['pods', ''], ['services', ''], ['configmaps', ''], ['secrets', ''], ['persistentvolumeclaims', ''], ['replicasets', 'apps'], ['endpointslices', 'discovery.k8s.io']] as const) {
        s.audit(nsController, c, { verb: 'deletecollection', resource, group, namespace: ns });
        c += 0.05 + r.next() * 0.3;
      }
    }
    return s.out;
  },
};

export const DATA_DESTRUCTION: readonly AttackScenario[] = [s3MassDelete, rdsAndBackups, k8sWipe];
