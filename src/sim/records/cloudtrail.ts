/**
 * AWS CloudTrail records (eventVersion 1.09/1.10) for IAM users and assumed roles, as delivered
 * to S3 inside `{"Records": [...]}` files.
 */

import type { Random } from '../../core/random.js';
import type { AwsPrincipal, Environment } from '../model.js';
import { isoSeconds } from './time.js';

export interface ApiCall {
  readonly source: string;
  readonly name: string;
  readonly requestParameters?: Record<string, unknown> | null;
  readonly responseElements?: Record<string, unknown> | null;
  readonly additionalEventData?: Record<string, unknown>;
  readonly resources?: readonly Record<string, unknown>[];
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Overrides the principal's usual address and agent (stolen keys used elsewhere). */
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly readOnly?: boolean;
  readonly category?: 'Management' | 'Data';
  readonly eventType?: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
}

const READ_PREFIXES = ['Describe', 'Get', 'List', 'Head', 'Lookup', 'Filter'];

function isRead(name: string): boolean {
  return READ_PREFIXES.some((p) => name.startsWith(p));
}

/** Whether the call comes from the console (a browser), where calls use the sign-in's session. */
function inConsole(p: AwsPrincipal, call: ApiCall): boolean {
  return (call.userAgent ?? p.userAgent).startsWith('Mozilla/');
}

function identity(env: Environment, p: AwsPrincipal, timeMs: number, call: ApiCall): Record<string, unknown> {
  if (p.kind === 'IAMUser') {
    const base = { type: 'IAMUser', principalId: p.principalId, arn: p.arn, accountId: env.accountId };
    // A sign-in names the user only; console calls carry the session's temporary key and its
    // MFA state; programmatic calls carry the user's long-term key and no session.
    if (call.eventType === 'AwsConsoleSignIn') return { ...base, userName: p.name };
    if (inConsole(p, call)) {
      return {
        ...base, accessKeyId: `ASIA${p.accessKeyId.slice(4)}`, userName: p.name,
        sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: isoSeconds(timeMs - 2 * 3_600_000), mfaAuthenticated: p.mfa ? 'true' : 'false' } },
      };
    }
    return { ...base, accessKeyId: p.accessKeyId, userName: p.name };
  }
  const role = (p.roleArn ?? '').split('/').pop() ?? '';
  return {
    type: 'AssumedRole', principalId: p.principalId, arn: p.arn, accountId: env.accountId, accessKeyId: p.accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: p.principalId.split(':')[0], arn: p.roleArn, accountId: env.accountId, userName: role },
      attributes: { creationDate: isoSeconds(timeMs - 40 * 60_000), mfaAuthenticated: 'false' },
      ...(p.accessKeyId.startsWith('ASIA') && role === env.nodeRole.name ? { ec2RoleDelivery: '2.0' } : {}),
    },
  };
}

export function cloudTrailRecord(r: Random, env: Environment, p: AwsPrincipal, timeMs: number, call: ApiCall): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    eventVersion: '1.10',
    userIdentity: identity(env, p, timeMs, call),
    eventTime: isoSeconds(timeMs),
    eventSource: call.source,
    eventName: call.name,
    awsRegion: env.region,
    sourceIPAddress: call.sourceIp ?? r.pick(p.sourceIps),
    userAgent: call.userAgent ?? p.userAgent,
  };
  if (call.errorCode !== undefined) {
    rec['errorCode'] = call.errorCode;
    if (call.errorMessage !== undefined) rec['errorMessage'] = call.errorMessage;
  }
  rec['requestParameters'] = call.requestParameters ?? null;
  rec['responseElements'] = call.responseElements ?? null;
  if (call.additionalEventData !== undefined) rec['additionalEventData'] = call.additionalEventData;
  rec['requestID'] = call.source === 's3.amazonaws.com' ? r.hex(16).toUpperCase() : r.uuid();
  rec['eventID'] = r.uuid();
  rec['readOnly'] = call.readOnly ?? isRead(call.name);
  if (call.resources !== undefined) rec['resources'] = call.resources;
  rec['eventType'] = call.eventType ?? 'AwsApiCall';
  rec['managementEvent'] = (call.category ?? 'Management') === 'Management';
  rec['recipientAccountId'] = env.accountId;
  rec['eventCategory'] = call.category ?? 'Management';
  if (call.eventType !== 'AwsConsoleSignIn') {
    rec['tlsDetails'] = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${call.source.split('.')[0]}.${env.region}.amazonaws.com` };
  }
  return rec;
}

/** An S3 data event on one object. */
export function s3ObjectCall(env: Environment, name: 'GetObject' | 'PutObject' | 'DeleteObject' | 'CopyObject', bucket: string, key: string, bytes: number, extra: Partial<ApiCall> = {}): ApiCall {
  const out = name === 'GetObject' ? bytes : 0;
  const inn = name === 'PutObject' ? bytes : 0;
  return {
    source: 's3.amazonaws.com',
    name,
    category: 'Data',
    readOnly: name === 'GetObject',
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${env.region}.amazonaws.com`, key },
    additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: inn, bytesTransferredOut: out, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'Zm9v' },
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: env.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    ...extra,
  };
}
