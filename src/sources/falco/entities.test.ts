import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { falcoDecoder } from './index.js';
import { entityKeys as keys, findEntity as entity, relationLines as rels } from '../../../test/support/events.js';

/** Alert headers of the three corpus examples; each test supplies the output_fields it is about. */
const SYSCALL: JsonObject = {
  hostname: 'ip-10-0-1-23',
  output: '10:15:42.123456789: Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow',
  priority: 'Warning',
  rule: 'Read sensitive file untrusted',
  source: 'syscall',
  tags: ['T1555', 'container'],
  time: '2026-03-04T10:15:42.123456789Z',
};

const K8S: JsonObject = {
  hostname: 'falco-k8saudit-0',
  output: '14:09:12.581541000: Warning Pod started with privileged container',
  priority: 'Warning',
  rule: 'Create Privileged Pod',
  source: 'k8s_audit',
  tags: ['k8s'],
  time: '2018-10-25T14:09:12.581541000Z',
};

const AWS: JsonObject = {
  hostname: 'falco-cloudtrail-5c9f8',
  output: '09:58:03.000000000: Critical Detected a console login without MFA (requesting user=alice, requesting IP=203.0.113.45, AWS region=us-east-1)',
  output_fields: { 'ct.region': 'us-east-1', 'ct.srcip': '203.0.113.45', 'ct.user': 'alice', 'evt.time': 1772618283000000000 },
  priority: 'Critical',
  rule: 'Console Login Without MFA',
  source: 'aws_cloudtrail',
  tags: ['aws', 'aws_console', 'aws_iam', 'cloud'],
  time: '2026-03-04T09:58:03.000000000Z',
};

const ctx = { origin: { path: 'alerts.jsonl', line: 1 }, observedMs: 0 };

function event(record: JsonObject): VigilEvent {
  const r = falcoDecoder.decode(record, ctx);
  if (!r.ok) return assert.fail(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

function withFields(record: JsonObject, fields: JsonObject): JsonObject {
  return { ...record, output_fields: fields };
}

describe('falco entities: k8s_audit variants', () => {
  it('reads users, subresources, source IPs and impersonation', () => {
    const r = withFields(K8S, {
      'ka.user.name': 'alice',
      'ka.impuser.name': 'system:serviceaccount:prod:deployer',
      'ka.target.namespace': 'prod',
      'ka.target.name': 'web-1',
      'ka.target.resource': 'pods',
      'ka.target.subresource': 'exec',
      'ka.sourceips': ['198.51.100.7', 'not-an-ip'],
      'ka.req.pod.containers.image': ['nginx@sha256:abc', null, 5],
    });
    const ev = event(r);
    assert.deepEqual(keys(ev), [
      'image:docker.io/library/nginx',
      'ip:198.51.100.7',
      'k8s-object:pods/prod/web-1',
      'k8s-serviceaccount:prod/deployer',
      'k8s-user:alice',
      'namespace:prod',
      'pod:prod/web-1',
    ]);
    assert.deepEqual(entity(ev, 'k8s-object', 'pods/prod/web-1').attrs, { resource: 'pods', subresource: 'exec' });
    assert.ok(rels(ev).includes('k8s-user:alice acts-as k8s-serviceaccount:prod/deployer'));
    assert.ok(rels(ev).includes('k8s-user:alice from-ip ip:198.51.100.7'));
  });

  it('keys cluster-scoped objects with `_`', () => {
    const r = withFields(K8S, { 'ka.user.name': 'bob', 'ka.target.resource': 'clusterroles', 'ka.target.name': 'admin' });
    assert.deepEqual(keys(event(r)), ['k8s-object:clusterroles/_/admin', 'k8s-user:bob']);
  });
});

describe('falco entities: cloud alerts', () => {
  it('aws_cloudtrail with only ct.user keys the principal by name', () => {
    const e = event(AWS);
    assert.deepEqual(keys(e), ['aws-principal:name:alice', 'ip:203.0.113.45']);
    assert.deepEqual(rels(e), ['aws-principal:name:alice from-ip ip:203.0.113.45']);
  });

  it('aws_cloudtrail with an assumed-role ARN names the role, account, instance, bucket and object', () => {
    const r = withFields(AWS, {
      'ct.user': 'web-role',
      'ct.user.arn': 'arn:aws:sts::123456789012:assumed-role/web-role/i-0abc123def4567890',
      'ct.user.identitytype': 'AssumedRole',
      'ct.srcip': 'ec2.amazonaws.com',
      'ct.request.bucketname': 'corp-data',
      'ct.request.key': 'exports/db.sql',
    });
    const e = event(r);
    const p = 'aws-principal:arn:aws:sts::123456789012:assumed-role/web-role/i-0abc123def4567890';
    assert.deepEqual(keys(e), [
      'aws-account:123456789012',
      p,
      'aws-role:arn:aws:iam::123456789012:role/web-role',
      'ec2-instance:i-0abc123def4567890',
      's3-bucket:corp-data',
      's3-object:corp-data/exports/db.sql',
    ]);
    assert.deepEqual(rels(e), [
      `${p} assumes aws-role:arn:aws:iam::123456789012:role/web-role`,
      `${p} member-of aws-account:123456789012`,
      `${p} session-of ec2-instance:i-0abc123def4567890`,
      `${p} targets s3-bucket:corp-data`,
      `${p} targets s3-object:corp-data/exports/db.sql`,
      's3-bucket:corp-data contains s3-object:corp-data/exports/db.sql',
    ].sort());
  });

  it('aws_cloudtrail rebuilds IAM user and root ARNs', () => {
    const base = AWS;
    const user = event(withFields(base, { 'ct.user': 'bob', 'ct.user.identitytype': 'IAMUser', 'ct.user.accountid': '111122223333' }));
    assert.ok(keys(user).includes('aws-principal:arn:aws:iam::111122223333:user/bob'));
    const root = event(withFields(base, { 'ct.user.identitytype': 'Root', 'ct.user.accountid': '111122223333' }));
    assert.deepEqual(keys(root), ['aws-account:111122223333', 'aws-principal:arn:aws:iam::111122223333:root']);
  });

  it('okta, github and gcp_auditlog principals become users, client addresses ips', () => {
    const base = AWS;
    const okta = event({
      ...base,
      source: 'okta',
      output_fields: { 'okta.actor.alternateid': 'eve@corp.example', 'okta.client.ip': '192.0.2.9', 'okta.target.user.alternateid': 'bob@corp.example' },
    });
    assert.deepEqual(keys(okta), ['ip:192.0.2.9', 'user:bob@corp.example', 'user:eve@corp.example']);
    assert.ok(rels(okta).includes('user:eve@corp.example targets user:bob@corp.example'));
    const gh = event({ ...base, source: 'github', output_fields: { 'github.user': 'octocat' } });
    assert.deepEqual(keys(gh), ['user:octocat']);
    const gcp = event({ ...base, source: 'gcp_auditlog', output_fields: { 'gcp.user': 'x@p.iam.gserviceaccount.com', 'gcp.callerIP': '2001:db8::1' } });
    assert.deepEqual(rels(gcp), ['user:x@p.iam.gserviceaccount.com from-ip ip:2001:db8::1']);
  });

  it('an unknown source decodes with no entities', () => {
    const e = event({ ...AWS, source: 'my_plugin' });
    assert.deepEqual(e.entities, []);
    assert.equal(e.kind, 'alert');
  });
});

describe('falco entities: syscall field variants', () => {
  const base = SYSCALL;

  it('host processes (container.id "host") run on the node', () => {
    const e = event(withFields(base, { 'container.id': 'host', 'container.name': 'host', 'proc.pid': 4242, 'proc.name': 'sshd', 'user.uid': 1000 }));
    assert.deepEqual(keys(e), ['node:ip-10-0-1-23', 'process:ip-10-0-1-23:host:4242', 'user:uid:1000']);
    assert.ok(rels(e).includes('process:ip-10-0-1-23:host:4242 runs-in node:ip-10-0-1-23'));
    assert.equal(entity(e, 'process', 'ip-10-0-1-23:host:4242').name, 'sshd');
  });

  it('connection tuples, peer addresses and domains', () => {
    const e = event(withFields(base, {
      'container.id': '281c99ea33c2fbd6a2e0f1c8b2e2a2f4c37b3e1b9c1a7e2b5d1f0a9c8b7d6e5f',
      'proc.name': 'curl',
      'fd.name': '[fd00::2]:39526->[2001:db8::10]:443',
      'fd.sip.name': 'Evil.Example.COM',
      'fd.lip': '<NA>',
    }));
    const p = 'process:ip-10-0-1-23:281c99ea33c2:curl';
    assert.deepEqual(keys(e), ['container:281c99ea33c2', 'domain:evil.example.com', 'ip:2001:db8::10', 'ip:fd00::2', 'node:ip-10-0-1-23', p].sort());
    assert.deepEqual(entity(e, 'container', '281c99ea33c2').attrs, { fullId: '281c99ea33c2fbd6a2e0f1c8b2e2a2f4c37b3e1b9c1a7e2b5d1f0a9c8b7d6e5f' });
    assert.ok(rels(e).includes(`${p} connects-to ip:2001:db8::10`));
    assert.ok(rels(e).includes(`${p} connects-to domain:evil.example.com`));
    assert.equal(rels(e).includes(`${p} connects-to ip:fd00::2`), false);
  });

  it('fd.rip names the remote end; paths from fs.path and evt.arg', () => {
    const e = event(withFields(base, {
      'proc.pid': 7,
      'fd.name': '10.0.0.5:80->10.0.0.9:5555',
      'fd.rip': '10.0.0.9',
      'fs.path.target': '/etc/passwd',
      'evt.arg.newpath': 'x(/tmp/x)',
      'evt.arg.name': 'memfd-name',
    }));
    const p = 'process:ip-10-0-1-23:host:7';
    assert.ok(rels(e).includes(`${p} connects-to ip:10.0.0.9`));
    assert.ok(rels(e).includes(`${p} targets file:/etc/passwd`));
    assert.ok(rels(e).includes(`${p} targets file:/tmp/x`));
    assert.equal(keys(e).filter((k) => k.startsWith('file:')).length, 2);
  });

  it('images: repository@digest, container.image, digests in attrs', () => {
    const a = event(withFields(base, { 'container.id': 'abc', 'container.image.repository': 'nginx', 'container.image.digest': 'sha256:1' }));
    assert.deepEqual(entity(a, 'image', 'docker.io/library/nginx').attrs, { digest: 'sha256:1' });
    const b = event(withFields(base, { 'container.id': 'abc', 'container.image': 'quay.io/x/y:2' }));
    assert.ok(keys(b).includes('image:quay.io/x/y:2'));
  });

  it('arrays, nulls, numbers and <NA> where strings belong add nothing', () => {
    const e = event(withFields(base, {
      'container.id': ['4f2b1c9a8e7d'],
      'k8s.pod.name': null,
      'k8s.ns.name': 17,
      'proc.name': { a: 1 },
      'proc.pid': -1,
      'proc.pname': '<NA>',
      'user.name': 'N/A',
      'fd.name': ['/etc/shadow'],
    }));
    assert.deepEqual(keys(e), ['node:ip-10-0-1-23']);
  });

  it('truncates long command lines to 1024 characters', () => {
    const e = event(withFields(base, { 'proc.pid': 1, 'proc.cmdline': `sh ${'a'.repeat(5000)}` }));
    assert.equal(entity(e, 'process', 'ip-10-0-1-23:host:1').attrs?.['cmdline']?.length, 1024);
    assert.equal(entity(e, 'process', 'ip-10-0-1-23:host:1').name, 'sh');
  });
});

