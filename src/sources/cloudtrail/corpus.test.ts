import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../../test/support/corpus.js';
import type { VigilEvent } from '../../core/event.js';
import { isObject, obj, str } from '../../core/json.js';
import { decodeFiles } from '../../pipeline/decode-files.js';
import { cloudtrailDecoder, s3BytesTransferred } from './index.js';

/** Records per Stratus detonation log, counted with `jq length` (310 in all); none is malformed. */
const STRATUS: Record<string, number> = {
  'aws.credential-access.ec2-get-password-data.json': 34,
  'aws.credential-access.ec2-steal-instance-credentials.json': 45,
  'aws.credential-access.secretsmanager-batch-retrieve-secrets.json': 5,
  'aws.credential-access.secretsmanager-retrieve-secrets.json': 21,
  'aws.credential-access.ssm-retrieve-securestring-parameters.json': 10,
  'aws.defense-evasion.cloudtrail-delete.json': 1,
  'aws.defense-evasion.cloudtrail-event-selectors.json': 1,
  'aws.defense-evasion.cloudtrail-stop.json': 1,
  'aws.defense-evasion.dns-delete-logs.json': 1,
  'aws.defense-evasion.organizations-leave.json': 3,
  'aws.defense-evasion.vpc-remove-flow-logs.json': 1,
  'aws.discovery.ec2-download-user-data.json': 19,
  'aws.execution.ec2-launch-unusual-instances.json': 3,
  'aws.execution.ec2-user-data.json': 35,
  'aws.execution.ssm-send-command.json': 56,
  'aws.execution.ssm-start-session.json': 29,
  'aws.exfiltration.ec2-security-group-open-port-22-ingress.json': 1,
  'aws.exfiltration.ec2-share-ami.json': 1,
  'aws.exfiltration.ec2-share-ebs-snapshot.json': 1,
  'aws.exfiltration.rds-share-snapshot.json': 1,
  'aws.impact.bedrock-invoke-model.json': 15,
  'aws.initial-access.console-login-without-mfa.json': 1,
  'aws.lateral-movement.ec2-instance-connect.json': 3,
  'aws.lateral-movement.ec2-serial-console-send-ssh-public-key.json': 4,
  'aws.persistence.iam-backdoor-role.json': 1,
  'aws.persistence.iam-backdoor-user.json': 1,
  'aws.persistence.iam-create-admin-user.json': 3,
  'aws.persistence.iam-create-backdoor-role.json': 2,
  'aws.persistence.iam-create-user-login-profile.json': 3,
  'aws.persistence.lambda-backdoor-function.json': 1,
  'aws.persistence.lambda-layer-extension.json': 1,
  'aws.persistence.lambda-overwrite-code.json': 1,
  'aws.persistence.rolesanywhere-create-trust-anchor.json': 2,
  'aws.persistence.sts-federation-token.json': 2,
  'aws.privilege-escalation.iam-update-user-login-profile.json': 1,
};

const OTRF = 'otrf-security-datasets/aws/collection/ec2_proxy_s3_exfiltration_2020-09-14011940.json';
const OTRF_LABELS = 'otrf-security-datasets/aws/collection/ec2_proxy_s3_exfiltration.labels.json';
const ALICE = [
  'falco-k8s-audit-traces/cloudtrail/alice_start_instances.json',
  'falco-k8s-audit-traces/cloudtrail/alice_start_instances_bigevent.json',
  'falco/plugins/cloudtrail/testdata/events/alice_start_instances.json',
  'falco/plugins/cloudtrail/testdata/events/alice_start_instances_bigevent.json',
];

/**
 * Panther rule-test cases whose `log` the decoder rejects (1-based line → code and field),
 * established with a Python classifier independent of the decoder. All are hand-written
 * fixtures that omit or misspell required members:
 * - FIELD_MISSING eventSource: Panther's lower-cased field names (`eventsource`, `eventtime`:
 *   lines 32-34, 128, 130, 208-210) or no eventSource at all (334, 335);
 * - TIME_INVALID eventTime: no eventTime (35-38, 78, 95, 395-399, 452, 458; some carry only
 *   Panther's `p_event_time`) or a placeholder (`...` on 328, `redacted` on 461).
 */
const PANTHER_REJECTS: Record<number, string> = {
  32: 'FIELD_MISSING eventSource', 33: 'FIELD_MISSING eventSource', 34: 'FIELD_MISSING eventSource',
  35: 'TIME_INVALID eventTime', 36: 'TIME_INVALID eventTime', 37: 'TIME_INVALID eventTime', 38: 'TIME_INVALID eventTime',
  78: 'TIME_INVALID eventTime', 95: 'TIME_INVALID eventTime',
  128: 'FIELD_MISSING eventSource', 130: 'FIELD_MISSING eventSource',
  208: 'FIELD_MISSING eventSource', 209: 'FIELD_MISSING eventSource', 210: 'FIELD_MISSING eventSource',
  328: 'TIME_INVALID eventTime', 334: 'FIELD_MISSING eventSource', 335: 'FIELD_MISSING eventSource',
  395: 'TIME_INVALID eventTime', 396: 'TIME_INVALID eventTime', 397: 'TIME_INVALID eventTime', 398: 'TIME_INVALID eventTime',
  399: 'TIME_INVALID eventTime', 452: 'TIME_INVALID eventTime', 458: 'TIME_INVALID eventTime', 461: 'TIME_INVALID eventTime',
};

const ctx = { origin: { path: 'panther', line: 0 }, observedMs: 0 };

function rels(e: VigilEvent): Set<string> {
  return new Set(e.relations.map((r) => `${r.from} ${r.kind} ${r.to}`));
}

function hasEntity(e: VigilEvent, type: string, id: string): boolean {
  return e.entities.some((x) => x.type === type && x.id === id);
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

/** The Panther test cases of a file: each line's `log` decoded directly. */
function decodePanther(file: string) {
  const lines = readFileSync(corpusPath(`panther-analysis-tests/${file}`), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const test: unknown = JSON.parse(line);
    const log = isObject(test) && isObject(test['log']) ? test['log'] : {};
    return { line: i + 1, log, result: cloudtrailDecoder.decode(log, { ...ctx, origin: { path: file, line: i + 1 } }) };
  });
}

describe('cloudtrail corpus: Stratus Red Team detonation logs', () => {
  const dir = () => corpusPath('stratus-red-team/detonation-logs');

  it('decodes every record of the 35 files, per-file counts as expected', async (t) => {
    if (!requireCorpus(t)) return;
    const { events, errors, skipped } = await decodeFiles([dir()], { format: 'cloudtrail' });
    assert.deepEqual(errors, []);
    assert.equal(skipped, 0);
    assert.equal(events.length, 310);
    assert.deepEqual(Object.fromEntries(countBy(events, (e) => basename(e.origin.path))), STRATUS);
    for (const e of events) {
      assert.equal(e.entities[0]?.type, 'aws-principal', `${e.id}: the caller comes first`);
      assert.equal(e.entities.filter((x) => x.type === 'ip').length, 1, `${e.id}: every sourceIPAddress here is an address`);
      assert.match(e.id, /^ct-[0-9a-f-]{36}$/);
    }
    assert.equal(new Set(events.map((e) => e.id)).size, 310, 'eventIDs are unique');
  });

  it('is recognised by auto-detection', async (t) => {
    if (!requireCorpus(t)) return;
    const { events, errors } = await decodeFiles([dir()], { format: 'auto' });
    assert.deepEqual(errors, []);
    assert.equal(events.filter((e) => e.source === 'cloudtrail').length, 310);
  });

  it('ec2-steal-instance-credentials: the victim instance, its stolen session and the attacker IP', async (t) => {
    if (!requireCorpus(t)) return;
    const { events } = await decodeFiles([`${dir()}/aws.credential-access.ec2-steal-instance-credentials.json`], { format: 'cloudtrail' });
    const instance = 'ec2-instance:i-786a3a8b5c0d92ef4';
    const session = 'aws-principal:arn:aws:sts::017622104382:assumed-role/stratus-red-team-ec2-steal-credentials-role/i-786a3A8B5C0d92eF4';
    const user = 'aws-principal:arn:aws:iam::017622104382:user/christophe';
    const stolen = events.filter((e) => rels(e).has(`${session} session-of ${instance}`));
    assert.deepEqual(stolen.map((e) => e.action).sort(), ['ec2:DescribeInstances', 'sts:GetCallerIdentity']);
    for (const e of stolen) {
      assert.ok(rels(e).has(`${session} from-ip ip:18.236.253.47`));
      assert.ok(rels(e).has(`aws-access-key:ASIAP5CT9NN8EYVU1FXV key-of ${session}`));
      assert.ok(rels(e).has(`${session} assumes aws-role:arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role`));
    }
    const byUser = events.filter((e) => rels(e).has(`${user} targets ${instance}`));
    assert.equal(byUser.length, 43, 'SendCommand, the SSM polling and GetCommandInvocation all name the instance');
    assert.deepEqual(Object.fromEntries(countBy(byUser, (e) => e.action)), {
      'ssm:SendCommand': 1, 'ssm:DescribeInstanceInformation': 38, 'ssm:GetCommandInvocation': 4,
    });
  });
});

describe('cloudtrail corpus: OTRF EC2 proxy → S3 exfiltration (@timestamp records)', () => {
  const STOLEN = 'aws-principal:arn:aws:sts::123456789123:assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/i-0317f6c6b66ae9c40';
  const ROLE = 'aws-role:arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0';
  const BUCKET = 's3-bucket:mordors3stack-s3bucket-llp2yingx64a';
  const KEY = 'aws-access-key:ASIA5FLZVX4OPVKKVBMX';

  function malicious(): Set<string> {
    const labels: unknown = JSON.parse(readFileSync(corpusPath(OTRF_LABELS), 'utf8'));
    const list = isObject(labels) && Array.isArray(labels['labels']) ? labels['labels'] : [];
    return new Set(list.flatMap((l) => (isObject(l) && l['malicious'] === true ? [`ct-${str(l, 'eventID') ?? ''}`] : [])));
  }

  it('decodes all 103 records, timed by @timestamp', async (t) => {
    if (!requireCorpus(t)) return;
    const { events, errors } = await decodeFiles([corpusPath(OTRF)], { format: 'auto' });
    assert.deepEqual(errors, []);
    assert.equal(events.length, 103);
    assert.equal(events[0]?.id, 'ct-fd4f1042-c7f6-4107-a6ee-d841d92596e7');
    assert.equal(events[0]?.timeMs, Date.UTC(2020, 8, 14, 0, 44, 23));
    assert.deepEqual(Object.fromEntries(countBy(events, (e) => e.entities[0]?.id ?? '-')), {
      'arn:aws:iam::123456789123:user/pedro': 87,
      'service:ec2.amazonaws.com': 5,
      [STOLEN.slice('aws-principal:'.length)]: 11,
    });
  });

  it('the stolen-credential events are exactly the labelled malicious ones, with role, instance, IP, key and bucket', async (t) => {
    if (!requireCorpus(t)) return;
    const { events } = await decodeFiles([corpusPath(OTRF)], { format: 'cloudtrail' });
    const bad = malicious();
    assert.equal(bad.size, 11);
    const actedByStolen = events.filter((e) => e.entities[0] !== undefined && `aws-principal:${e.entities[0].id}` === STOLEN);
    assert.deepEqual(new Set(actedByStolen.map((e) => e.id)), bad);
    for (const e of actedByStolen) {
      const r = rels(e);
      for (const want of [`${STOLEN} assumes ${ROLE}`, `${STOLEN} session-of ec2-instance:i-0317f6c6b66ae9c40`, `${STOLEN} from-ip ip:1.2.3.4`, `${KEY} key-of ${STOLEN}`]) {
        assert.ok(r.has(want), `${e.id} (${e.action}) lacks ${want}`);
      }
    }
    const s3 = actedByStolen.filter((e) => rels(e).has(`${STOLEN} targets ${BUCKET}`));
    assert.deepEqual(Object.fromEntries(countBy(s3, (e) => e.action)), { 's3:ListObjects': 7, 's3:GetObject': 2 });
    assert.deepEqual(Object.fromEntries(countBy(actedByStolen.filter((e) => !s3.includes(e)), (e) => e.action)), { 's3:ListBuckets': 2 });
    for (const e of s3.filter((x) => x.action === 's3:GetObject')) {
      assert.ok(rels(e).has(`${STOLEN} targets s3-object:mordors3stack-s3bucket-llp2yingx64a/ring.txt`));
      assert.deepEqual(s3BytesTransferred(e.payload), { bytesIn: 0, bytesOut: 89 });
    }
  });

  it('the EC2 AssumeRole that minted the stolen key links it to the instance', async (t) => {
    if (!requireCorpus(t)) return;
    const { events } = await decodeFiles([corpusPath(OTRF)], { format: 'cloudtrail' });
    const minted = events.filter((e) => rels(e).has(`${KEY} key-of ${STOLEN}`) && e.action === 'sts:AssumeRole');
    assert.deepEqual(minted.map((e) => e.id), ['ct-a3a3dded-7c27-42c0-a42d-891cdd436278']);
    const r = rels(minted[0] as VigilEvent);
    assert.ok(r.has(`${STOLEN} session-of ec2-instance:i-0317f6c6b66ae9c40`));
    assert.ok(r.has(`aws-principal:service:ec2.amazonaws.com targets ${ROLE}`));
    assert.equal(minted[0]?.entities.some((x) => x.type === 'ip'), false);
  });
});

describe('cloudtrail corpus: Falco plugin test events ({"Records": [...]})', () => {
  it('decodes the four files, one StartInstances each, ids derived without eventID', async (t) => {
    if (!requireCorpus(t)) return;
    const { events, errors } = await decodeFiles(ALICE.map(corpusPath), { format: 'auto' });
    assert.deepEqual(errors, []);
    assert.deepEqual(events.map((e) => e.action), ['ec2:StartInstances', 'ec2:StartInstances', 'ec2:StartInstances', 'ec2:StartInstances']);
    assert.deepEqual(events.map((e) => e.origin.line > 0), [true, true, true, true]);
    assert.equal(new Set(events.map((e) => e.id)).size, 1, 'the padded copy is the same call, so the same id');
    for (const e of events) assert.ok(rels(e).has('aws-principal:arn:aws:iam::123456789012:user/Alice targets ec2-instance:i-ebeaf9e2'));
  });
});

describe('cloudtrail corpus: Panther rule tests (each line\'s log decoded directly)', () => {
  it('cloudtrail-rule-tests.jsonl: 436 events, 25 known-incomplete fixtures rejected', (t) => {
    if (!requireCorpus(t)) return;
    const cases = decodePanther('cloudtrail-rule-tests.jsonl');
    assert.equal(cases.length, 461);
    const rejects: Record<number, string> = {};
    for (const c of cases) {
      if (!c.result.ok && !c.result.skip) rejects[c.line] = `${c.result.code} ${c.result.field ?? ''}`;
      assert.equal(!c.result.ok && c.result.skip, false, `line ${c.line} skipped`);
    }
    assert.deepEqual(rejects, PANTHER_REJECTS);
    const events = cases.flatMap((c) => (c.result.ok ? [c.result.event] : []));
    assert.equal(events.length, 436);
    // Counted independently (Python): identities with an ARN, and real IP addresses.
    const withArn = cases.flatMap((c) => {
      const ui = obj(c.log, 'userIdentity');
      const arn = str(ui, 'arn');
      return c.result.ok && arn !== undefined && str(ui, 'type') !== 'AWSService' ? [{ event: c.result.event, arn, line: c.line }] : [];
    });
    assert.equal(withArn.length, 406);
    for (const c of withArn) assert.ok(hasEntity(c.event, 'aws-principal', c.arn), `line ${c.line}: principal ${c.arn}`);
    // 378 addresses by Python's ipaddress, plus line 101's anonymised '06.237.252.245' (leading zero).
    assert.equal(events.filter((e) => e.entities.some((x) => x.type === 'ip')).length, 379);
    const line101 = cases[100]?.result;
    assert.ok(line101?.ok === true && hasEntity(line101.event, 'ip', '6.237.252.245'));
    assert.equal(events.filter((e) => e.entities[0]?.id === 'anonymous').length, 2);
  });

  it('cloudtrail-s3-rule-tests.jsonl: all 16 are S3 server access logs, not CloudTrail', (t) => {
    if (!requireCorpus(t)) return;
    const cases = decodePanther('cloudtrail-s3-rule-tests.jsonl');
    assert.equal(cases.length, 16);
    assert.deepEqual(cases.map((c) => (c.result.ok ? 'ok' : c.result.skip ? 'skip' : c.result.code)), Array(16).fill('RECORD_UNRECOGNISED'));
    assert.equal(cases.filter((c) => cloudtrailDecoder.detect(c.log)).length, 0);
  });
});
