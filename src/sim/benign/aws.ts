/**
 * Benign AWS API activity: people in office hours (signing in with MFA first), CI and backup
 * roles, the nightly report job writing to S3, and each node's instance role as the CNI agent
 * uses it from the node.
 */

import type { Random } from '../../core/random.js';
import { activityAt, type Emission, type Generator } from '../emit.js';
import type { AwsPrincipal, Environment, Node } from '../model.js';
import { cloudTrailRecord, s3ObjectCall, type ApiCall } from '../records/cloudtrail.js';

/** The node's instance-role session: the credentials every pod on it can fetch from IMDS. */
export function instanceSession(env: Environment, node: Node): AwsPrincipal {
  return {
    kind: 'AssumedRole',
    name: node.instanceId,
    arn: `arn:aws:sts::${env.accountId}:assumed-role/${env.nodeRole.name}/${node.instanceId}`,
    roleArn: env.nodeRole.arn,
    principalId: `${env.nodeRole.roleId}:${node.instanceId}`,
    accessKeyId: `ASIA${node.instanceId.slice(2, 18).toUpperCase().padEnd(16, 'X')}`,
    sourceIps: [node.ip],
    userAgent: 'aws-sdk-go/1.55.5 (go1.22.5; linux; amd64)',
    hours: [0, 24],
    weekends: true,
    mfa: false,
    calls: [['ec2.amazonaws.com', 'DescribeNetworkInterfaces', 4], ['ec2.amazonaws.com', 'DescribeInstances', 1], ['ecr.amazonaws.com', 'GetAuthorizationToken', 1]],
    callsPerHour: 30,
  };
}

function callFor(env: Environment, r: Random, p: AwsPrincipal, source: string, name: string): ApiCall {
  switch (name) {
    case 'GetObject':
    case 'PutObject': {
      const bucket = p.name === 'report-builder-irsa' || p.name === 'finance-analyst' ? 'acme-finance-reports' : r.pick(env.buckets);
      return s3ObjectCall(env, name, bucket, `reports/${r.hex(8)}.csv`, r.int(2_000, 400_000));
    }
    case 'ListObjects':
      return { source, name, requestParameters: { bucketName: r.pick(env.buckets), 'list-type': '2', prefix: '' }, category: 'Data', readOnly: true };
    case 'DescribeInstances':
      return { source, name, requestParameters: { instancesSet: {}, filterSet: {} } };
    case 'CreateDBSnapshot':
      return { source, name, requestParameters: { dBInstanceIdentifier: r.pick(env.databases), dBSnapshotIdentifier: `awsbackup-job-${r.hex(8)}` }, readOnly: false };
    case 'CreateSnapshot':
      return { source, name, requestParameters: { volumeId: `vol-0${r.hex(16)}` }, readOnly: false };
    case 'DescribeCluster':
      return { source, name, requestParameters: { name: env.cluster } };
    default:
      return { source, name };
  }
}

export function awsBenign(env: Environment, random: Random, scale: number): Generator {
  const r = random.fork('cloudtrail');
  const sessions = env.nodes.map((n) => instanceSession(env, n));
  const signedIn = new Set<string>();

  function push(out: Emission[], p: AwsPrincipal, t: number, call: ApiCall): void {
    out.push({ source: 'cloudtrail', timeMs: t, stream: env.region, record: cloudTrailRecord(r, env, p, t, call) });
  }

  return {
    name: 'cloudtrail',
    emit(from, to, out) {
      const hours = (to - from) / 3_600_000;
      for (const p of [...env.awsPrincipals, ...sessions]) {
        const human = p.kind === 'IAMUser';
        const level = human ? activityAt('office', from, p.hours, p.weekends) : 1;
        const day = new Date(from).toISOString().slice(0, 10);
        if (human && level === 1 && !signedIn.has(`${p.name}:${day}`)) {
          // The first call of a working day is a console sign-in, with MFA.
          signedIn.add(`${p.name}:${day}`);
          push(out, p, from + r.next() * (to - from), {
            source: 'signin.amazonaws.com', name: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
            responseElements: { ConsoleLogin: 'Success' },
            additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' },
          });
        }
        const n = r.poisson(p.callsPerHour * scale * hours * level);
        for (let i = 0; i < n; i++) {
          const [source, name] = r.weighted(p.calls.map(([s, e, w]) => [[s, e] as const, w] as const));
          push(out, p, from + r.next() * (to - from), callFor(env, r, p, source, name));
        }
      }
    },
  };
}
