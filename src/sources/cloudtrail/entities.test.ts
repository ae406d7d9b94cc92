import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../../core/json.js';
import { s3BytesTransferred } from './index.js';
import { OTRF_GET_OBJECT, OTRF_EC2_ASSUME_ROLE, STRATUS_STOLEN_SESSION, STRATUS_ASSUME_ROLE, STRATUS_FEDERATION_TOKEN, STRATUS_FEDERATED_CALL, STRATUS_START_SESSION, STRATUS_ASSUME_DENIED, ALICE_START_INSTANCES, event, parse } from './records.fixture.js';
import { entityKeys as keys, findEntity as entity, relationLines as rels } from '../../../test/support/events.js';


/** A minimal valid record with `userIdentity` replaced, for the identity-type cases. */
function withIdentity(userIdentity: unknown, extra: JsonObject = {}): JsonObject {
  return {
    eventVersion: '1.08',
    eventTime: '2024-05-01T10:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    eventType: 'AwsApiCall',
    eventID: 'e-1',
    sourceIPAddress: '198.51.100.7',
    recipientAccountId: '111122223333',
    userIdentity,
    ...extra,
  };
}

const STOLEN = 'arn:aws:sts::123456789123:assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/i-0317f6c6b66ae9c40';
const WAF_ROLE = 'arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0';
const BUCKET = 'mordors3stack-s3bucket-llp2yingx64a';

describe('cloudtrail identities', () => {
  it('AssumedRole instance-profile session: principal, role, key, account, instance, ip, bucket, object', () => {
    const e = event(parse(OTRF_GET_OBJECT));
    assert.equal(e.entities[0]?.id, STOLEN, 'the actor comes first');
    assert.deepEqual(entity(e, 'aws-principal', STOLEN), {
      type: 'aws-principal', id: STOLEN, name: 'MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/i-0317f6c6b66ae9c40',
      attrs: { type: 'AssumedRole', principalId: 'AROA5FLZVX4OAMSW6BCRH:i-0317f6c6b66ae9c40' },
    });
    assert.equal(entity(e, 'aws-role', WAF_ROLE).name, 'MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0');
    assert.equal(entity(e, 's3-object', `${BUCKET}/ring.txt`).name, 'ring.txt');
    assert.deepEqual(keys(e), [
      'aws-access-key:ASIA5FLZVX4OPVKKVBMX',
      'aws-account:123456789123',
      `aws-principal:${STOLEN}`,
      `aws-role:${WAF_ROLE}`,
      'ec2-instance:i-0317f6c6b66ae9c40',
      'ip:1.2.3.4',
      `s3-bucket:${BUCKET}`,
      `s3-object:${BUCKET}/ring.txt`,
    ]);
    assert.deepEqual(rels(e), [
      `aws-access-key:ASIA5FLZVX4OPVKKVBMX key-of aws-principal:${STOLEN}`,
      `aws-principal:${STOLEN} assumes aws-role:${WAF_ROLE}`,
      `aws-principal:${STOLEN} from-ip ip:1.2.3.4`,
      `aws-principal:${STOLEN} member-of aws-account:123456789123`,
      `aws-principal:${STOLEN} session-of ec2-instance:i-0317f6c6b66ae9c40`,
      `aws-principal:${STOLEN} targets s3-bucket:${BUCKET}`,
      `aws-principal:${STOLEN} targets s3-object:${BUCKET}/ring.txt`,
      `aws-role:${WAF_ROLE} member-of aws-account:123456789123`,
      `s3-bucket:${BUCKET} contains s3-object:${BUCKET}/ring.txt`,
      `s3-bucket:${BUCKET} member-of aws-account:123456789123`,
    ].sort());
    assert.deepEqual(s3BytesTransferred(e.payload), { bytesIn: 0, bytesOut: 89 });
  });

  it('AWSService AssumeRole: the new session and its key join the instance and the role', () => {
    const e = event(parse(OTRF_EC2_ASSUME_ROLE));
    assert.equal(e.action, 'sts:AssumeRole');
    assert.deepEqual(e.entities[0], { type: 'aws-principal', id: 'service:ec2.amazonaws.com', name: 'ec2.amazonaws.com', attrs: { type: 'AWSService' } });
    assert.equal(e.entities.some((x) => x.type === 'ip'), false, 'ec2.amazonaws.com is not an IP address');
    assert.deepEqual(rels(e), [
      `aws-access-key:ASIA5FLZVX4OPVKKVBMX key-of aws-principal:${STOLEN}`,
      `aws-principal:${STOLEN} assumes aws-role:${WAF_ROLE}`,
      `aws-principal:${STOLEN} member-of aws-account:123456789123`,
      `aws-principal:${STOLEN} session-of ec2-instance:i-0317f6c6b66ae9c40`,
      `aws-principal:service:ec2.amazonaws.com targets aws-role:${WAF_ROLE}`,
      `aws-role:${WAF_ROLE} member-of aws-account:123456789123`,
    ].sort());
  });

  it('IAMUser AssumeRole: the session from assumedRoleUser, the new key key-of it', () => {
    const e = event(parse(STRATUS_ASSUME_ROLE));
    const session = 'arn:aws:sts::457448411975:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1722375070115152000';
    const role = 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role';
    const user = 'arn:aws:iam::457448411975:user/christophe';
    assert.equal(e.entities[0]?.id, user);
    assert.equal(e.entities[0]?.name, 'christophe');
    assert.deepEqual(entity(e, 'aws-principal', session).attrs, { type: 'AssumedRole', principalId: 'AROAMLQ9F6KHQ07JKA0WY:aws-go-sdk-1722375070115152000' });
    assert.deepEqual(entity(e, 'aws-access-key', 'AKIAWOGXN38MFN92ING5').attrs, { kind: 'long-term' });
    const r = rels(e);
    for (const want of [
      `aws-access-key:AKIAWOGXN38MFN92ING5 key-of aws-principal:${user}`,
      `aws-access-key:ASIA7RQR64ZW9JXKWPUO key-of aws-principal:${session}`,
      `aws-principal:${session} assumes aws-role:${role}`,
      `aws-principal:${user} targets aws-role:${role}`,
      `aws-principal:${user} from-ip ip:200.249.253.51`,
    ]) assert.ok(r.includes(want), `missing ${want}`);
    assert.equal(e.entities.some((x) => x.type === 'ec2-instance'), false, 'an SDK session name is not an instance');
  });

  it('a denied AssumeRole creates no session', () => {
    const e = event(parse(STRATUS_ASSUME_DENIED));
    assert.deepEqual(keys(e), [
      'aws-access-key:AKIAWOGXN38MFN92ING5', 'aws-account:457448411975', 'aws-principal:arn:aws:iam::457448411975:user/christophe', 'ip:200.249.253.51',
    ]);
    const withParams = event({ ...parse(STRATUS_ASSUME_DENIED), requestParameters: { roleArn: 'arn:aws:iam::457448411975:role/admin', roleSessionName: 'x' } });
    assert.deepEqual(withParams.entities.filter((x) => x.type === 'aws-principal').length, 1);
    entity(withParams, 'aws-role', 'arn:aws:iam::457448411975:role/admin');
  });

  it('stolen instance session from Stratus: mixed-case instance id lower-cased, IP and role', () => {
    const e = event(parse(STRATUS_STOLEN_SESSION));
    const session = 'arn:aws:sts::017622104382:assumed-role/stratus-red-team-ec2-steal-credentials-role/i-786a3A8B5C0d92eF4';
    assert.deepEqual(rels(e), [
      `aws-access-key:ASIAP5CT9NN8EYVU1FXV key-of aws-principal:${session}`,
      `aws-principal:${session} assumes aws-role:arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role`,
      `aws-principal:${session} from-ip ip:18.236.253.47`,
      `aws-principal:${session} member-of aws-account:017622104382`,
      `aws-principal:${session} session-of ec2-instance:i-786a3a8b5c0d92ef4`,
      'aws-role:arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role member-of aws-account:017622104382',
    ].sort());
  });

  it('GetFederationToken and the FederatedUser it creates', () => {
    const issue = event(parse(STRATUS_FEDERATION_TOKEN));
    const user = 'arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user';
    const fed = 'arn:aws:sts::742491224508:federated-user/stratus_red_team';
    const r = rels(issue);
    assert.ok(r.includes(`aws-access-key:ASIASTJKC5GCM7ZE6LUP key-of aws-principal:${fed}`));
    assert.ok(r.includes(`aws-principal:${fed} acts-as aws-principal:${user}`));
    assert.ok(r.includes(`aws-principal:${user} from-ip ip:255.90.254.5`), 'leading-zero octets are read as decimal');
    const call = event(parse(STRATUS_FEDERATED_CALL));
    assert.deepEqual(call.entities[0], { type: 'aws-principal', id: fed, name: 'stratus_red_team', attrs: { type: 'FederatedUser', principalId: '742491224508:stratus_red_team' } });
    assert.ok(rels(call).includes(`aws-principal:${fed} acts-as aws-principal:${user}`));
    assert.ok(rels(call).includes(`aws-access-key:ASIASTJKC5GCM7ZE6LUP key-of aws-principal:${fed}`));
  });

  it('GetSessionToken: the new key belongs to the caller', () => {
    const e = event(withIdentity(
      { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'bob' },
      { eventSource: 'sts.amazonaws.com', eventName: 'GetSessionToken', responseElements: { credentials: { accessKeyId: 'ASIAIOSFODNN7NEWKEY1' } } },
    ));
    assert.ok(rels(e).includes('aws-access-key:ASIAIOSFODNN7NEWKEY1 key-of aws-principal:arn:aws:iam::111122223333:user/bob'));
  });

  it('Root, with the ARN or rebuilt from the account', () => {
    const withArn = event(withIdentity({ type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' }));
    assert.deepEqual(withArn.entities[0], { type: 'aws-principal', id: 'arn:aws:iam::111122223333:root', name: 'root', attrs: { type: 'Root', principalId: '111122223333' } });
    const rebuilt = event(withIdentity({ type: 'Root', accountId: '444455556666' }));
    assert.equal(rebuilt.entities[0]?.id, 'arn:aws:iam::444455556666:root');
    const nothing = event(withIdentity({ type: 'Root', userName: 'root' }));
    assert.equal(nothing.entities.some((x) => x.type === 'aws-principal'), false, 'no account: no principal id to give');
    entity(nothing, 'ip', '198.51.100.7');
    entity(nothing, 'aws-account', '111122223333');
  });

  it('IAMUser without ARN is rebuilt; the hidden user of a failed sign-in is not a principal', () => {
    const rebuilt = event(withIdentity({ type: 'IAMUser', accountId: '111122223333', userName: 'carol' }));
    assert.equal(rebuilt.entities[0]?.id, 'arn:aws:iam::111122223333:user/carol');
    const hidden = event(withIdentity({ type: 'IAMUser', accountId: '111122223333', principalId: '', userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, {
      eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', responseElements: { ConsoleLogin: 'Failure' },
    }));
    assert.deepEqual(keys(hidden), ['aws-account:111122223333', 'ip:198.51.100.7']);
    assert.deepEqual(hidden.relations, []);
  });

  it('AssumedRole without ARN or issuer is rebuilt from what remains', () => {
    const noArn = event(withIdentity({
      type: 'AssumedRole', principalId: 'AROAEXAMPLE:i-0123456789abcdef0', accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/ops/web', userName: 'web' } },
    }));
    assert.equal(noArn.entities[0]?.id, 'arn:aws:sts::111122223333:assumed-role/web/i-0123456789abcdef0');
    assert.equal(noArn.entities[0]?.name, 'web/i-0123456789abcdef0');
    entity(noArn, 'aws-role', 'arn:aws:iam::111122223333:role/ops/web');
    entity(noArn, 'ec2-instance', 'i-0123456789abcdef0');
    const noIssuer = event(withIdentity({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/deploy/ci', principalId: 'AROAEXAMPLE:ci' }));
    assert.ok(rels(noIssuer).includes('aws-principal:arn:aws:sts::111122223333:assumed-role/deploy/ci assumes aws-role:arn:aws:iam::111122223333:role/deploy'));
  });

  it('AWSAccount: cross-account caller keyed by account and principal id', () => {
    const e = event(withIdentity({ type: 'AWSAccount', accountId: '222222222222', principalId: 'AROAEXAMPLE:session-name' }));
    assert.deepEqual(e.entities[0], { type: 'aws-principal', id: 'account:222222222222:AROAEXAMPLE:session-name', name: 'AROAEXAMPLE:session-name', attrs: { type: 'AWSAccount', principalId: 'AROAEXAMPLE:session-name' } });
    assert.ok(rels(e).includes('aws-principal:account:222222222222:AROAEXAMPLE:session-name member-of aws-account:222222222222'));
    entity(e, 'aws-account', '111122223333');
    const whole = event(withIdentity({ type: 'AWSAccount', accountId: '222222222222' }));
    assert.equal(whole.entities[0]?.id, 'arn:aws:iam::222222222222:root');
  });

  it('anonymous: S3 ANONYMOUS_PRINCIPAL and a missing userIdentity', () => {
    const s3 = {
      eventVersion: '1.08', eventTime: '2024-05-01T10:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventCategory: 'Data',
      userIdentity: { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' }, sourceIPAddress: '2001:DB8::1',
      requestParameters: { bucketName: 'public-site', key: 'index.html' }, eventID: 'anon-1',
    };
    const e = event(s3);
    assert.deepEqual(e.entities[0], { type: 'aws-principal', id: 'anonymous', name: 'anonymous', attrs: { type: 'Anonymous' } });
    assert.ok(rels(e).includes('aws-principal:anonymous from-ip ip:2001:db8::1'));
    assert.ok(rels(e).includes('aws-principal:anonymous targets s3-object:public-site/index.html'));
    assert.equal(e.entities.some((x) => x.type === 'aws-account'), false, 'ANONYMOUS_PRINCIPAL is no account');
    const { userIdentity, ...bare } = s3;
    assert.equal(userIdentity.type, 'AWSAccount');
    assert.equal(event(bare).entities[0]?.id, 'anonymous');
    assert.equal(event({ ...bare, userIdentity: null }).entities[0]?.id, 'anonymous');
  });

  it('Insight and service events without a caller have no principal', () => {
    const insight = event({
      eventVersion: '1.08', eventTime: '2024-05-01T10:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances',
      eventType: 'AwsCloudTrailInsight', eventCategory: 'Insight', recipientAccountId: '111122223333', sharedEventID: 's', eventID: 'ins-1',
      insightDetails: { state: 'Start', insightType: 'ApiCallRateInsight' },
    });
    assert.equal(insight.kind, 'AwsCloudTrailInsight');
    assert.deepEqual(keys(insight), ['aws-account:111122223333']);
  });

  it('AWSService without invokedBy uses the service in sourceIPAddress; no account link for services', () => {
    const e = event(withIdentity({ type: 'AWSService', accountId: '111122223333' }, { sourceIPAddress: 'lambda.amazonaws.com' }));
    assert.equal(e.entities[0]?.id, 'service:lambda.amazonaws.com');
    assert.equal(e.relations.some((r) => r.kind === 'member-of'), false);
    const internal = event(withIdentity({ type: 'AWSService', invokedBy: 'AWS Internal' }, { sourceIPAddress: 'AWS Internal' }));
    assert.equal(internal.entities[0]?.id, 'service:AWS Internal');
    assert.equal(internal.entities.some((x) => x.type === 'ip'), false);
  });

  it('Identity Center, SAML, web identity and Unknown identities', () => {
    const ic = event(withIdentity({
      type: 'IdentityCenterUser', accountId: '111122223333', credentialId: 'c',
      onBehalfOf: { userId: '544894e8-80c1-707f-60e3-3ba6510dfac1', identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-9067642ac7' },
    }));
    assert.equal(ic.entities[0]?.id, 'identity-center:544894e8-80c1-707f-60e3-3ba6510dfac1');
    const saml = event(withIdentity({ type: 'SAMLUser', principalId: 'SampleUkh1i4+ExamplexL/jEvs=:SamlExample', userName: 'SamlExample', identityProvider: 'SampleUkh1i4+ExamplexL/jEvs=' }, {
      eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoleWithSAML',
      requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/SAMLRole', principalArn: 'arn:aws:iam::111122223333:saml-provider/Idp' },
      responseElements: { assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/SAMLRole/SamlExample', assumedRoleId: 'AROAX:SamlExample' }, credentials: { accessKeyId: 'ASIASAMLKEY000000001' } },
    }));
    assert.deepEqual(saml.entities[0], { type: 'aws-principal', id: 'saml:SampleUkh1i4+ExamplexL/jEvs=:SamlExample', name: 'SamlExample', attrs: { type: 'SAMLUser', principalId: 'SampleUkh1i4+ExamplexL/jEvs=:SamlExample' } });
    assert.ok(rels(saml).includes('aws-access-key:ASIASAMLKEY000000001 key-of aws-principal:arn:aws:sts::111122223333:assumed-role/SAMLRole/SamlExample'));
    const web = event(withIdentity({ type: 'WebIdentityUser', principalId: 'accounts.google.com:1234', userName: '1234', identityProvider: 'accounts.google.com' }));
    assert.equal(web.entities[0]?.id, 'web-identity:accounts.google.com:1234');
    const unknown = event(withIdentity({ type: 'Unknown', principalId: 'u-1', accountId: '111122223333', userName: 'victim' }));
    assert.deepEqual([unknown.entities[0]?.id, unknown.entities[0]?.name], ['unknown:u-1', 'victim']);
  });
});

describe('cloudtrail targets', () => {
  it('EC2 instances in request and response instancesSet, deduplicated', () => {
    const e = event(parse(ALICE_START_INSTANCES));
    assert.deepEqual(keys(e).filter((k) => k.startsWith('ec2-instance')), ['ec2-instance:i-ebeaf9e2']);
    assert.ok(rels(e).includes('aws-principal:arn:aws:iam::123456789012:user/Alice targets ec2-instance:i-ebeaf9e2'));
    assert.deepEqual(entity(e, 'aws-access-key', 'EXAMPLE_KEY_ID').attrs, undefined);
  });

  it('SSM session target, instanceIds, command.instanceIds and describe filters', () => {
    const e = event(parse(STRATUS_START_SESSION));
    assert.ok(rels(e).includes('aws-principal:arn:aws:iam::294599468799:user/christophe targets ec2-instance:i-ea1d1296c1de3aa1f'));
    const many = event(withIdentity({ type: 'Root', accountId: '111122223333' }, {
      eventSource: 'ssm.amazonaws.com', eventName: 'SendCommand',
      requestParameters: { instanceIds: ['i-0aaaaaaaaaaaaaaaa', 'not-an-instance', 7], filters: [{ key: 'InstanceIds', values: ['i-0bbbbbbbbbbbbbbbb'] }] },
      responseElements: { command: { instanceIds: ['i-0cccccccccccccccc'] } },
    }));
    assert.deepEqual(keys(many).filter((k) => k.startsWith('ec2-instance')), [
      'ec2-instance:i-0aaaaaaaaaaaaaaaa', 'ec2-instance:i-0bbbbbbbbbbbbbbbb', 'ec2-instance:i-0cccccccccccccccc',
    ]);
    const filterSet = event(withIdentity({ type: 'Root', accountId: '111122223333' }, {
      eventSource: 'ec2.amazonaws.com', eventName: 'DescribeAddresses',
      requestParameters: { filterSet: { items: [{ valueSet: { items: [{ value: 'i-044b1baf4c96e1b62' }] }, name: 'instance-id' }] } },
    }));
    entity(filterSet, 'ec2-instance', 'i-044b1baf4c96e1b62');
  });

  it('S3 resources: ARNPrefix names only the bucket; non-S3 requests do not read bucketName', () => {
    const list = event(withIdentity({ type: 'Root', accountId: '111122223333' }, {
      eventSource: 's3.amazonaws.com', eventName: 'ListObjects',
      resources: [{ ARNPrefix: 'arn:aws:s3:::logs-bucket/2024/', type: 'AWS::S3::Object' }, { ARN: 'arn:aws:s3:::logs-bucket', accountId: '999988887777', type: 'AWS::S3::Bucket' }],
    }));
    assert.deepEqual(keys(list).filter((k) => k.startsWith('s3')), ['s3-bucket:logs-bucket']);
    assert.ok(rels(list).includes('s3-bucket:logs-bucket member-of aws-account:999988887777'));
    const trail = event(withIdentity({ type: 'Root', accountId: '111122223333' }, {
      eventSource: 'cloudtrail.amazonaws.com', eventName: 'CreateTrail', requestParameters: { bucketName: 'not-read-here', name: 't' },
    }));
    assert.equal(trail.entities.some((x) => x.type === 's3-bucket'), false);
  });

  it('reads bytes transferred from the payload', () => {
    assert.equal(s3BytesTransferred(parse(ALICE_START_INSTANCES)), undefined);
    assert.deepEqual(s3BytesTransferred({ additionalEventData: { bytesTransferredIn: '12' } }), { bytesIn: 12, bytesOut: 0 });
    assert.equal(s3BytesTransferred('x'), undefined);
  });
});

