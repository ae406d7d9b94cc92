import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { corpusPath, requireCorpus } from '../../../test/support/corpus.js';
import { createEvent, type VigilEvent } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { compile, ConditionCompileError, createFieldTable, parse, type FieldSpec, type FieldValue, type Predicate } from '../../lang/index.js';
import { decodeFiles } from '../../pipeline/decode-files.js';
import { cloudtrailDecoder } from './index.js';
import {
  ALICE_START_INSTANCES,
  OTRF_EC2_ASSUME_ROLE,
  OTRF_GET_OBJECT,
  STRATUS_ASSUME_DENIED,
  STRATUS_FEDERATED_CALL,
  STRATUS_STOLEN_SESSION,
  TEST_CTX,
  event,
  parse as parseRecord,
} from './records.fixture.js';
import { CLOUDTRAIL_FIELDS } from './rule-fields.js';

const table = createFieldTable(CLOUDTRAIL_FIELDS);
const RULES_FILE = 'falco/plugins/cloudtrail/rules/aws_cloudtrail_rules.yaml';
const STRATUS_DIR = 'stratus-red-team/detonation-logs';
const PANTHER = 'panther-analysis-tests/cloudtrail-rule-tests.jsonl';

/** A field's value as a rule or an output names it: `ct.user`, `json.value[/a/b]`, `ec2.imageids[0]`. */
function value(e: VigilEvent, ref: string): FieldValue | undefined {
  const m = /^([^[]+)(?:\[(.*)\])?$/.exec(ref);
  assert.ok(m !== null, ref);
  const found = table.resolve(m[1] as string);
  assert.ok(found !== undefined, `unknown field ${ref}`);
  return found.spec.extract(e, found.arg ?? m[2]);
}

/** The values of several fields at once, for one deepEqual per record. */
function values(e: VigilEvent, refs: readonly string[]): Record<string, FieldValue | undefined> {
  return Object.fromEntries(refs.map((r) => [r, value(e, r)]));
}

const check = (e: VigilEvent, condition: string): boolean => compile(parse(condition), table)(e);

/** An event from a fixture record with members replaced or added (undefined removes one). */
function variant(text: string, changes: JsonObject): VigilEvent {
  const record: JsonObject = { ...parseRecord(text), ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete record[k];
  return event(record);
}

// ---- Falco's rule file, as the rule loader will give it: lists substituted into conditions

interface Rule {
  readonly name: string;
  readonly condition: string;
  readonly output: string;
}

function loadRules(): Rule[] {
  const items = parseYaml(readFileSync(corpusPath(RULES_FILE), 'utf8')) as Record<string, unknown>[];
  const lists = new Map<string, string[]>();
  for (const item of items) if (typeof item['list'] === 'string') lists.set(item['list'], (item['items'] as unknown[]).map(String));
  const rules: Rule[] = [];
  for (const item of items) {
    if (typeof item['rule'] !== 'string') continue;
    let condition = String(item['condition']).trim();
    for (const [name, listItems] of lists) condition = condition.replace(new RegExp(`\\b${name}\\b`, 'g'), listItems.join(', '));
    rules.push({ name: item['rule'], condition, output: String(item['output']).trim() });
  }
  return rules;
}

/** `%field` tokens of an output, as Falco's formatter cuts them (a name, then an optional `[arg]`). */
function outputFields(output: string): string[] {
  return [...output.matchAll(/%([A-Za-z0-9_.]+(?:\[[^\]]*\])?)/g)].map((m) => m[1] as string);
}

/** Falco's text rendering of an output: missing values print `<NA>`. */
function format(output: string, e: VigilEvent): string {
  return output.replace(/%([A-Za-z0-9_.]+(?:\[[^\]]*\])?)/g, (_, ref: string) => {
    const v = value(e, ref);
    return v === undefined ? '<NA>' : Array.isArray(v) ? `(${v.join(',')})` : String(v);
  });
}

/** The rule that only checks that events arrive: `evt.num` is a Falco core field, not a plugin field. */
const CORE_ONLY_RULE = 'All Cloudtrail Events';

function compiledRules(): { name: string; output: string; matches: Predicate<VigilEvent> }[] {
  return loadRules()
    .filter((r) => r.name !== CORE_ONLY_RULE)
    .map((r) => ({ name: r.name, output: r.output, matches: compile(parse(r.condition), table) }));
}

function firing(rules: ReturnType<typeof compiledRules>, e: VigilEvent): string[] {
  return rules.filter((r) => r.matches(e)).map((r) => r.name);
}

/** Each Panther test case's `log`, decoded; the 25 known-incomplete fixtures (see corpus.test.ts) are left out. */
function pantherEvents(): Map<number, VigilEvent> {
  const out = new Map<number, VigilEvent>();
  readFileSync(corpusPath(PANTHER), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const test: unknown = JSON.parse(line);
      const log = isObject(test) && isObject(test['log']) ? test['log'] : {};
      const r = cloudtrailDecoder.decode(log, TEST_CTX);
      if (r.ok) out.set(i + 1, r.event);
    });
  return out;
}

async function stratus(file: string): Promise<VigilEvent[]> {
  const { events, errors } = await decodeFiles([corpusPath(`${STRATUS_DIR}/${file}`)], { format: 'cloudtrail' });
  assert.deepEqual(errors, []);
  return events;
}

function readmeFields(plugin: string): { name: string; type: string; arg: string }[] {
  const text = readFileSync(corpusPath(`falco/plugins/${plugin}/README.md`), 'utf8');
  return [...text.matchAll(/^\| `([^`]+)`\s*\| `([^`]+)`\s*\| ([^|]+?)\s*\|/gm)].map((m) => ({ name: m[1] as string, type: m[2] as string, arg: m[3] as string }));
}

// ---- tests

describe('cloudtrail rule fields: the declared table', () => {
  it('declares every field of the cloudtrail and json plugin READMEs, with their types and arguments', (t) => {
    if (!requireCorpus(t)) return;
    const TYPES: Record<string, Pick<FieldSpec<VigilEvent>, 'type' | 'list'>> = {
      string: { type: 'string', list: false },
      uint64: { type: 'number', list: false },
      'string (list)': { type: 'string', list: true },
    };
    const ARGS: Record<string, FieldSpec<VigilEvent>['arg']> = { None: undefined, Index: 'optional', 'Key, Required': 'required' };
    const readme = [...readmeFields('cloudtrail'), ...readmeFields('json')];
    assert.equal(readme.length, 79, 'the two README tables: 73 cloudtrail fields and 6 json fields');
    const expected = readme.map((f) => ({ name: f.name, ...TYPES[f.type], arg: ARGS[f.arg] }));
    const declared = CLOUDTRAIL_FIELDS.map((f) => ({ name: f.name, type: f.type, list: f.list === true, arg: f.arg }));
    assert.deepEqual(declared, expected);
  });

  it('resolves dotted names to the longest declared field, never to a prefix that takes no argument', () => {
    assert.equal(table.resolve('ct.user.identitytype')?.spec.name, 'ct.user.identitytype');
    assert.equal(table.resolve('s3.bytes.in')?.spec.name, 's3.bytes.in');
    assert.equal(table.resolve('ct.request.nosuchmember'), undefined, 'ct.request takes no argument');
    assert.equal(table.resolve('ct.users'), undefined);
  });
});

describe('cloudtrail rule fields: values on real records', () => {
  it("the Falco plugin's test event (alice_start_instances.json): identity, request and response", async (t) => {
    if (!requireCorpus(t)) return;
    const { events, errors } = await decodeFiles([corpusPath('falco/plugins/cloudtrail/testdata/events/alice_start_instances.json')], { format: 'cloudtrail' });
    assert.deepEqual(errors, []);
    assert.equal(events.length, 1);
    const e = events[0] as VigilEvent;
    assert.deepEqual(
      values(e, ['ct.name', 'ct.src', 'ct.shortsrc', 'ct.time', 'ct.region', 'ct.srcip', 'ct.useragent', 'ct.eventtype', 'ct.user', 'ct.originaluser', 'ct.user.identitytype', 'ct.user.accountid', 'ct.user.principalid', 'ct.user.arn', 'ct.readonly', 'ct.info', 'json.value[/userIdentity/userName]', 'json.value[/responseElements/instancesSet/items/0/currentState/code]', 'json.rawtime']),
      {
        'ct.name': 'StartInstances',
        'ct.src': 'ec2.amazonaws.com',
        'ct.shortsrc': 'ec2',
        'ct.time': '2014-03-06T21:22:54Z',
        'ct.region': 'us-east-2',
        'ct.srcip': '205.251.233.176',
        'ct.useragent': 'ec2-api-tools 1.6.12.2',
        'ct.eventtype': 'AwsApiCall',
        'ct.user': 'Alice',
        'ct.originaluser': 'Alice',
        'ct.user.identitytype': 'IAMUser',
        'ct.user.accountid': '123456789012',
        'ct.user.principalid': 'EX_PRINCIPAL_ID',
        'ct.user.arn': 'arn:aws:iam::123456789012:user/Alice',
        // No readOnly member: a Start… call is a write by the plugin's heuristic.
        'ct.readonly': 'false',
        'ct.info': 'Alice via 205.251.233.176 → StartInstances',
        'json.value[/userIdentity/userName]': 'Alice',
        'json.value[/responseElements/instancesSet/items/0/currentState/code]': '0',
        'json.rawtime': '1394140974000000000',
      },
    );
    assert.equal(value(e, 'ct.request'), '{"instancesSet":{"items":[{"instanceId":"i-ebeaf9e2"}]}}');
    assert.equal(value(e, 'ct.response'), '{"instancesSet":{"items":[{"instanceId":"i-ebeaf9e2","currentState":{"code":0,"name":"pending"},"previousState":{"code":80,"name":"stopped"}}]}}');
    assert.equal(value(e, 'json.obj'), JSON.stringify(e.payload, null, 2));
  });

  it('fields the record does not have are missing, not empty', () => {
    const e = event(parseRecord(ALICE_START_INSTANCES));
    const absent = [
      'ct.id', 'ct.error', 'ct.errormessage', 'ct.requestid', 'ct.managementevent', 'ct.resources', 'ct.recipientaccountid',
      'ct.eventcategory', 'ct.additionaleventdata', 'ct.tlsdetails.tlsversion', 'ct.sessioncredentialfromconsole', 'ct.addendum.reason',
      'ct.request.name', 'ct.response.subnetid', 's3.bucket', 's3.key', 's3.uri', 's3.bytes', 's3.bytes.in', 's3.cnt.get', 's3.cnt.put',
      'ec2.name', 'ec2.imageid', 'ec2.imageids', 'ecr.repository', 'iam.role', 'json.value[/eventID]', 'json.value[/userIdentity/nothing/deeper]',
    ];
    assert.deepEqual(values(e, absent), Object.fromEntries(absent.map((f) => [f, undefined])));
    // A missing field fails every comparison, `!=` too; only `not` and `exists` see it.
    assert.equal(check(e, 'ct.error = ""'), false);
    assert.equal(check(e, 'ct.error != "AccessDenied"'), false);
    assert.equal(check(e, 'not ct.error exists'), true);
    assert.equal(check(e, 's3.cnt.get = 0'), false);
  });

  it('an event whose payload is not an object has no field at all', () => {
    const e = createEvent(
      { id: 'x', source: 'cloudtrail', kind: 'AwsApiCall', action: 'ec2:X', time: '2024-01-01T00:00:00Z', timeMs: 1_704_067_200_000, observedMs: 0, payload: null, origin: { path: 'p', line: 1 } },
      () => ({ entities: [], relations: [] }),
    );
    const present = CLOUDTRAIL_FIELDS.filter((f) => f.extract(e, f.arg === 'required' ? '/a' : undefined) !== undefined).map((f) => f.name);
    assert.deepEqual(present, ['json.rawtime', 'jevt.rawtime'], 'only the event time, which the envelope carries');
  });

  it('OTRF GetObject with stolen instance credentials: S3 fields, byte counts, assumed-role user', () => {
    const e = event(parseRecord(OTRF_GET_OBJECT));
    assert.deepEqual(
      values(e, ['s3.bucket', 's3.key', 's3.uri', 's3.bytes', 's3.bytes.in', 's3.bytes.out', 's3.cnt.get', 's3.cnt.put', 's3.cnt.other', 'ct.request.host', 'ct.user', 'ct.originaluser', 'ct.user.identitytype', 'ct.readonly', 'ct.managementevent', 'ct.eventcategory', 'ct.time', 'ct.id', 'ct.requestid', 'ct.recipientaccountid']),
      {
        's3.bucket': 'mordors3stack-s3bucket-llp2yingx64a',
        's3.key': 'ring.txt',
        's3.uri': 's3://mordors3stack-s3bucket-llp2yingx64a/ring.txt',
        's3.bytes': 89,
        's3.bytes.in': 0,
        's3.bytes.out': 89,
        's3.cnt.get': 1,
        's3.cnt.put': undefined,
        's3.cnt.other': undefined,
        'ct.request.host': 'mordors3stack-s3bucket-llp2yingx64a.s3.amazonaws.com',
        // ct.user is the role (the session issuer), ct.originaluser the session: here the instance.
        'ct.user': 'MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0',
        'ct.originaluser': 'i-0317f6c6b66ae9c40',
        'ct.user.identitytype': 'AssumedRole',
        'ct.readonly': 'true',
        'ct.managementevent': 'false',
        'ct.eventcategory': 'Data',
        // This log shipper moved eventTime to @timestamp: the plugin's field reads eventTime only.
        'ct.time': undefined,
        'ct.id': '771299cb-e200-4926-9604-c85358b30499',
        'ct.requestid': 'A471D1060ED5FD07',
        'ct.recipientaccountid': '123456789123',
      },
    );
    assert.equal(value(e, 'ct.info'), 'MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0 via 1.2.3.4 ← GetObject Size=89 URI=s3://mordors3stack-s3bucket-llp2yingx64a/ring.txt');
    assert.equal(
      value(e, 'ct.resources'),
      '{"ARN":"arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a/ring.txt","type":"AWS::S3::Object"},{"ARN":"arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a","accountId":"123456789123","type":"AWS::S3::Bucket"}',
    );
    assert.equal(value(e, 'ct.additionaleventdata'), '{"bytesTransferredOut":89,"AuthenticationMethod":"AuthHeader","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","SignatureVersion":"SigV4","bytesTransferredIn":0}');
    assert.equal(value(e, 'ct.response'), 'null', 'a null member is present and prints null, as in the plugin');
    assert.equal(value(e, 'json.rawtime'), String(BigInt(Date.UTC(2020, 8, 14, 1, 2, 34)) * 1_000_000n));
    assert.equal(check(e, 's3.bytes > 64 and s3.bytes.out >= 89 and s3.cnt.get = 1'), true);
  });

  it('ct.user and ct.originaluser per identity type', () => {
    const service = event(parseRecord(OTRF_EC2_ASSUME_ROLE));
    assert.deepEqual(values(service, ['ct.user', 'ct.originaluser', 'ct.user.accountid', 'ct.sharedeventid', 'ct.info']), {
      'ct.user': 'ec2.amazonaws.com',
      'ct.originaluser': undefined,
      // No account in the identity: the plugin falls back to the recipient account.
      'ct.user.accountid': '123456789123',
      'ct.sharedeventid': '92f07606-76c1-461f-806b-8dcb1d068136',
      // Caller and source are the same service: no "via"; no readOnly and not a write verb: ←.
      'ct.info': 'ec2.amazonaws.com ← AssumeRole',
    });
    const federated = event(parseRecord(STRATUS_FEDERATED_CALL));
    assert.deepEqual(values(federated, ['ct.user', 'ct.originaluser', 'ct.user.arn']), {
      'ct.user': 'FederatedUser',
      'ct.originaluser': undefined,
      'ct.user.arn': 'arn:aws:sts::742491224508:federated-user/stratus_red_team',
    });
    const stolen = event(parseRecord(STRATUS_STOLEN_SESSION));
    assert.deepEqual(values(stolen, ['ct.user', 'ct.originaluser']), { 'ct.user': 'stratus-red-team-ec2-steal-credentials-role', 'ct.originaluser': 'i-786a3A8B5C0d92eF4' });
    // Without the session issuer: the type stands in for the user; the session comes from the principal id.
    const bare = variant(STRATUS_STOLEN_SESSION, { userIdentity: { type: 'AssumedRole', principalId: 'AROALHCCSKSM395EGX3XN:my-session', arn: 'arn:aws:sts::017622104382:assumed-role/a/b/c' } });
    assert.deepEqual(values(bare, ['ct.user', 'ct.originaluser']), { 'ct.user': 'AssumedRole', 'ct.originaluser': 'my-session' });
    const account = variant(STRATUS_STOLEN_SESSION, { userIdentity: { type: 'AWSAccount', accountId: '111122223333', principalId: 'AROAEXAMPLE:session-name' } });
    assert.deepEqual(values(account, ['ct.user', 'ct.originaluser', 'ct.user.accountid']), { 'ct.user': 'AWSAccount', 'ct.originaluser': undefined, 'ct.user.accountid': '111122223333' });
    const unknown = variant(STRATUS_STOLEN_SESSION, { userIdentity: { type: 'IdentityCenterUser', userName: 'ann' } });
    assert.deepEqual(values(unknown, ['ct.user', 'ct.originaluser', 'ct.info']), { 'ct.user': undefined, 'ct.originaluser': 'ann', 'ct.info': '<invalid cloudtrail event: userIdentity field missing>' });
  });

  it('root console sign-in without MFA (Panther): no user name, so ct.user is missing', (t) => {
    if (!requireCorpus(t)) return;
    const e = pantherEvents().get(74) as VigilEvent;
    assert.deepEqual(values(e, ['ct.user', 'ct.user.identitytype', 'ct.user.arn', 'json.value[/additionalEventData/MFAUsed]', 'json.value[/responseElements/ConsoleLogin]', 'json.value[/requestParameters]']), {
      'ct.user': undefined,
      'ct.user.identitytype': 'Root',
      'ct.user.arn': 'arn:aws:iam::123456789012:root',
      'json.value[/additionalEventData/MFAUsed]': 'No',
      'json.value[/responseElements/ConsoleLogin]': 'Success',
      'json.value[/requestParameters]': 'null',
    });
  });

  it('errors: ct.error, ct.errormessage and the ! of ct.info', () => {
    const e = event(parseRecord(STRATUS_ASSUME_DENIED));
    assert.deepEqual(values(e, ['ct.error', 'ct.errormessage', 'ct.info']), {
      'ct.error': 'AccessDenied',
      'ct.errormessage': 'User: arn:aws:iam::457448411975:user/christophe is not authorized to perform: sts:AssumeRole',
      'ct.info': 'christophe via 200.249.253.51 !← AssumeRole',
    });
    assert.equal(check(e, 'ct.error exists and ct.error != "ThrottlingException"'), true);
    // An empty error code is still a value (the plugin's present-but-empty), a null one is not.
    assert.equal(value(variant(STRATUS_ASSUME_DENIED, { errorCode: '' }), 'ct.error'), '');
    assert.equal(value(variant(STRATUS_ASSUME_DENIED, { errorCode: null }), 'ct.error'), undefined);
  });

  it('boolean members: readOnly, managementEvent, and sessionCredentialFromConsole written as a string', (t) => {
    if (!requireCorpus(t)) return;
    const panther = pantherEvents();
    const consoleSessions = [...panther.values()].filter((e) => isObject(e.payload) && e.payload['sessionCredentialFromConsole'] === 'true');
    assert.equal(consoleSessions.length, 5);
    for (const e of consoleSessions) assert.equal(value(e, 'ct.sessioncredentialfromconsole'), 'true');
    const e = event(parseRecord(STRATUS_STOLEN_SESSION));
    assert.deepEqual(values(e, ['ct.readonly', 'ct.managementevent']), { 'ct.readonly': 'true', 'ct.managementevent': 'true' });
    assert.equal(value(variant(STRATUS_STOLEN_SESSION, { readOnly: false, managementEvent: undefined }), 'ct.readonly'), 'false');
    assert.equal(value(variant(STRATUS_STOLEN_SESSION, { managementEvent: undefined }), 'ct.managementevent'), undefined);
    // Without readOnly, the plugin guesses from the verb.
    assert.equal(value(variant(STRATUS_STOLEN_SESSION, { readOnly: undefined, eventName: 'DescribeInstances' }), 'ct.readonly'), 'true');
    assert.equal(value(variant(STRATUS_STOLEN_SESSION, { readOnly: undefined, eventName: 'TerminateInstances' }), 'ct.readonly'), 'false');
  });

  it('RunInstances (Panther): image ids, instance name tag, reservation, availability zone', (t) => {
    if (!requireCorpus(t)) return;
    const panther = pantherEvents();
    const e = panther.get(100) as VigilEvent;
    assert.deepEqual(values(e, ['ec2.imageids', 'ec2.imageids[0]', 'ec2.imageids[1]', 'ec2.imageids[x]', 'ec2.imageid', 'ct.response.reservationid', 'ct.request.availabilityzone', 'ct.request.subnetid', 'ct.user', 'ec2.name']), {
      'ec2.imageids': ['ami-013e7d3a6659f358d'],
      'ec2.imageids[0]': ['ami-013e7d3a6659f358d'],
      'ec2.imageids[1]': undefined,
      'ec2.imageids[x]': undefined,
      'ec2.imageid': 'ami-013e7d3a6659f358d',
      'ct.response.reservationid': 'r-0ff0b006325a10345',
      'ct.request.availabilityzone': 'us-west-2a',
      'ct.request.subnetid': 'subnet-083e5906ef2809ac2',
      'ct.user': 'AWSServiceRoleForAutoScaling',
      'ec2.name': undefined,
    });
    assert.equal(check(e, 'ec2.imageids intersects (ami-013e7d3a6659f358d, ami-0)'), true);
    assert.equal(check(e, 'ec2.imageids[0] in (ami-013e7d3a6659f358d)'), true);
    assert.equal(check(e, 'ec2.imageid = ami-013e7d3a6659f358d'), true);
    assert.equal(value(panther.get(112) as VigilEvent, 'ec2.name'), 'test2');
    assert.equal(value(panther.get(227) as VigilEvent, 'ec2.name'), 'fake thing whatever');
  });

  it('image ids named by requests: DeregisterImage, DescribeFastLaunchImages, RequestSpotInstances', () => {
    const call = (eventName: string, requestParameters: JsonObject) => variant(ALICE_START_INSTANCES, { eventName, requestParameters, responseElements: null });
    assert.deepEqual(value(call('DeregisterImage', { imageId: 'ami-1' }), 'ec2.imageids'), ['ami-1']);
    assert.deepEqual(value(call('DescribeFastLaunchImages', { DescribeFastLaunchImagesRequest: { ImageId: { content: 'ami-2', tag: 1 } } }), 'ec2.imageids'), ['ami-2']);
    assert.deepEqual(value(call('DescribeFastLaunchImages', { DescribeFastLaunchImagesRequest: { ImageId: [{ content: 'ami-3', tag: 1 }, { content: 'ami-4', tag: 2 }] } }), 'ec2.imageids[1]'), ['ami-4']);
    assert.equal(value(call('RequestSpotInstances', { launchSpecification: { imageId: 'ami-5' } }), 'ec2.imageid'), 'ami-5');
  });

  it('single-member fields of other services: ECS, Lambda, SSM, IAM, ECR, TLS', () => {
    const e = variant(STRATUS_STOLEN_SESSION, {
      requestParameters: { cluster: 'c1', serviceName: 's1', taskDefinition: 'td:3', functionName: 'f', groupName: 'g', reason: 'r', target: 'i-1', documentName: 'AWS-RunShellScript', serialNumber: 'arn:aws:iam::1:mfa/root', policy: '{}', roleName: 'admin', policyName: 'p', repositoryName: 'repo', imageTag: 'latest', userName: 'AWS ROOT USER', name: { notAString: true } },
      responseElements: { subnetId: 'subnet-1' },
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'sts.amazonaws.com' },
      vpcEndpointId: 'vpce-1',
      apiVersion: '2016-11-15',
      addendum: { reason: 'DELIVERY_DELAY', updatedFields: 'x', originalRequestID: 'q', originalEventID: 'e' },
      serviceEventDetails: { snapshotId: 'snap-1' },
      edgeDeviceDetails: 'edge',
    });
    assert.deepEqual(
      values(e, ['ct.request.cluster', 'ct.request.servicename', 'ct.request.taskdefinition', 'ct.request.functionname', 'ct.request.groupname', 'ct.request.reason', 'ct.request.target', 'ct.request.documentname', 'ct.request.serialnumber', 'ct.request.policy', 'ct.request.username', 'ct.request.name', 'iam.role', 'iam.policy', 'ecr.repository', 'ecr.imagetag', 'ct.response.subnetid', 'ct.tlsdetails.tlsversion', 'ct.tlsdetails.ciphersuite', 'ct.tlsdetails.clientprovidedhostheader', 'ct.vpcendpointid', 'ct.apiversion', 'ct.addendum.reason', 'ct.addendum.updatedfields', 'ct.addendum.originalrequestid', 'ct.addendum.originaleventid', 'ct.serviceeventdetails', 'ct.edgedevicedetails']),
      {
        'ct.request.cluster': 'c1',
        'ct.request.servicename': 's1',
        'ct.request.taskdefinition': 'td:3',
        'ct.request.functionname': 'f',
        'ct.request.groupname': 'g',
        'ct.request.reason': 'r',
        'ct.request.target': 'i-1',
        'ct.request.documentname': 'AWS-RunShellScript',
        'ct.request.serialnumber': 'arn:aws:iam::1:mfa/root',
        'ct.request.policy': '{}',
        'ct.request.username': 'AWS ROOT USER',
        // Not a string: missing, not rendered.
        'ct.request.name': undefined,
        'iam.role': 'admin',
        'iam.policy': 'p',
        'ecr.repository': 'repo',
        'ecr.imagetag': 'latest',
        'ct.response.subnetid': 'subnet-1',
        'ct.tlsdetails.tlsversion': 'TLSv1.3',
        'ct.tlsdetails.ciphersuite': 'TLS_AES_128_GCM_SHA256',
        'ct.tlsdetails.clientprovidedhostheader': 'sts.amazonaws.com',
        'ct.vpcendpointid': 'vpce-1',
        'ct.apiversion': '2016-11-15',
        'ct.addendum.reason': 'DELIVERY_DELAY',
        'ct.addendum.updatedfields': 'x',
        'ct.addendum.originalrequestid': 'q',
        'ct.addendum.originaleventid': 'e',
        'ct.serviceeventdetails': '{"snapshotId":"snap-1"}',
        'ct.edgedevicedetails': 'edge',
      },
    );
  });

  it('ct.shortsrc keeps sources that are not amazonaws.com services, and the bare suffix, whole', () => {
    assert.equal(value(variant(ALICE_START_INSTANCES, { eventSource: 'signin.amazonaws.com' }), 'ct.shortsrc'), 'signin');
    assert.equal(value(variant(ALICE_START_INSTANCES, { eventSource: 'ssm.example.org' }), 'ct.shortsrc'), 'ssm.example.org');
    assert.equal(value(variant(ALICE_START_INSTANCES, { eventSource: '.amazonaws.com' }), 'ct.shortsrc'), '.amazonaws.com');
  });

  it('ct.info for PutBucketPublicAccessBlock lists the settings requested', () => {
    const e = variant(ALICE_START_INSTANCES, {
      eventName: 'PutBucketPublicAccessBlock',
      readOnly: false,
      requestParameters: { bucketName: 'b', PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: false, IgnorePublicAcls: true, RestrictPublicBuckets: false } },
    });
    assert.equal(value(e, 'ct.info'), 'Alice via 205.251.233.176 → PutBucketPublicAccessBlock BlockPublicAcls=true BlockPublicPolicy=false IgnorePublicAcls=true RestrictPublicBuckets=false ');
  });
});

describe('cloudtrail rule fields: json.value pointers', () => {
  const e = variant(ALICE_START_INSTANCES, {
    extra: { flag: false, on: true, n: 2.5, none: null, empty: '', list: [10, { k: 'v' }], 'a/b': 'slash', 'm~n': 'tilde', '': 'blank' },
  });

  it('renders strings as themselves and everything else as compact JSON', () => {
    assert.deepEqual(
      values(e, ['json.value[/extra/flag]', 'json.value[/extra/on]', 'json.value[/extra/n]', 'json.value[/extra/none]', 'json.value[/extra/empty]', 'json.value[/extra/list]', 'json.value[/extra/list/1]', 'json.value[/extra/list/1/k]']),
      {
        'json.value[/extra/flag]': 'false',
        'json.value[/extra/on]': 'true',
        'json.value[/extra/n]': '2.5',
        'json.value[/extra/none]': 'null',
        'json.value[/extra/empty]': '',
        'json.value[/extra/list]': '[10,{"k":"v"}]',
        'json.value[/extra/list/1]': '{"k":"v"}',
        'json.value[/extra/list/1/k]': 'v',
      },
    );
    // The rules compare booleans and empty strings as text.
    assert.equal(check(e, 'json.value[/extra/flag]=false and json.value[/extra/empty]=""'), true);
    assert.equal(check(e, 'json.value[/extra/on]=false'), false);
  });

  it('follows RFC 6901 escapes and array indexes; bad paths are missing', () => {
    assert.deepEqual(values(e, ['json.value[/extra/a~1b]', 'json.value[/extra/m~0n]', 'json.value[/extra/]', 'json.value[extra/list/0]']), {
      'json.value[/extra/a~1b]': 'slash',
      'json.value[/extra/m~0n]': 'tilde',
      'json.value[/extra/]': 'blank',
      'json.value[extra/list/0]': '10',
    });
    const found = table.resolve('json.value');
    assert.ok(found);
    for (const bad of ['', '/extra/list/2', '/extra/list/-1', '/extra/list/x', '/extra/empty/0', '/extra/none/k', '/extra/list/-', '/toString', '/extra/__proto__']) {
      assert.equal(found.spec.extract(e, bad), undefined, `pointer "${bad}"`);
    }
    assert.equal(check(e, 'json.value[/nothing] != "x"'), false);
  });

  it('gives the same answers past the pointer cache, and jevt.value is the same field', () => {
    const found = table.resolve('json.value');
    assert.ok(found);
    for (let i = 0; i < 5000; i++) found.spec.extract(e, `/extra/nope${i}`);
    assert.equal(found.spec.extract(e, '/extra/list/1/k'), 'v');
    assert.equal(found.spec.extract(e, '/extra/fresh-after-limit'), undefined);
    assert.equal(value(e, 'jevt.value[/extra/list/0]'), '10');
    assert.equal(value(e, 'jevt.obj'), value(e, 'json.obj'));
  });
});

describe("cloudtrail rule fields: Falco's aws_cloudtrail rules run unchanged", () => {
  it('every field of every condition and output resolves, except the Falco core fields evt.*', (t) => {
    if (!requireCorpus(t)) return;
    const rules = loadRules();
    assert.equal(rules.length, 22);
    const unresolved = new Set<string>();
    for (const r of rules) {
      try {
        compile(parse(r.condition), table);
      } catch (err) {
        assert.ok(err instanceof ConditionCompileError, String(err));
        assert.equal(r.name, CORE_ONLY_RULE, `${r.name}: ${err.message}`);
        assert.match(err.message, /unknown field 'evt\.num'/);
      }
      for (const ref of outputFields(r.output)) {
        try {
          compile(parse(`${ref} exists`), table);
        } catch {
          unresolved.add(ref);
        }
      }
    }
    // Falco's own event fields (number, plugin info, time), which every source shares.
    assert.deepEqual([...unresolved].sort(), ['evt.num', 'evt.plugininfo', 'evt.time.iso8601']);
  });

  it('Stratus Red Team detonations: the five expected rules fire, once each, over the 310 records', async (t) => {
    if (!requireCorpus(t)) return;
    const rules = compiledRules();
    const { events, errors } = await decodeFiles([corpusPath(STRATUS_DIR)], { format: 'cloudtrail' });
    assert.deepEqual(errors, []);
    assert.equal(events.length, 310);
    const hits: Record<string, string[]> = {};
    for (const e of events) for (const name of firing(rules, e)) (hits[name] ??= []).push(basename(e.origin.path));
    assert.deepEqual(hits, {
      'CloudTrail Logging Disabled': ['aws.defense-evasion.cloudtrail-stop.json'],
      'Console Login Without MFA': ['aws.initial-access.console-login-without-mfa.json'],
      'Create AWS user': ['aws.persistence.iam-create-admin-user.json'],
      'Update Lambda Function Code': ['aws.persistence.lambda-overwrite-code.json'],
      'Update Lambda Function Configuration': ['aws.persistence.lambda-layer-extension.json'],
    });
  });

  it('StopLogging (Stratus cloudtrail-stop): the alert output as Falco would print it', async (t) => {
    if (!requireCorpus(t)) return;
    const rule = loadRules().find((r) => r.name === 'CloudTrail Logging Disabled');
    assert.ok(rule);
    const [e] = await stratus('aws.defense-evasion.cloudtrail-stop.json');
    assert.ok(e);
    assert.equal(
      format(rule.output, e).replace(/\s+/g, ' '),
      'The CloudTrail logging has been disabled. (requesting user=christophe, requesting IP=86.245.153.234, AWS region=apiso-centralnorth-2r, resource name=stratus-red-team-ct-stop-trail-buykxbqejv)',
    );
    // A failed RunInstances in the same corpus (UnauthorizedOperation) fires neither Run Instances rule.
    const runs = (await stratus('aws.execution.ec2-launch-unusual-instances.json')).filter((x) => value(x, 'ct.name') === 'RunInstances');
    assert.equal(runs.length, 1);
    assert.deepEqual(firing(compiledRules(), runs[0] as VigilEvent), []);
  });

  it('Panther rule-test records: each rule fires on exactly the records an independent evaluation selects', (t) => {
    if (!requireCorpus(t)) return;
    const rules = compiledRules();
    const panther = pantherEvents();
    assert.equal(panther.size, 436);
    const hits: Record<string, number[]> = {};
    for (const [line, e] of panther) for (const name of firing(rules, e)) (hits[name] ??= []).push(line);
    // Computed by a separate Python evaluation of the 21 conditions over the same logs (string
    // members only, a missing member failing every comparison). Lines are 1-based.
    assert.deepEqual(hits, {
      'Update Lambda Function Configuration': [1, 2, 3, 4, 5],
      'CloudTrail Trail Created': [24],
      'CloudTrail Logging Disabled': [51],
      'Console Login Through Assume Role': [58, 80, 81, 82, 83],
      'Console Login Without MFA': [72, 73, 74, 75, 79, 85, 88, 329],
      'Console Root Login Without MFA': [74, 85, 88, 329],
      'Run Instances': [100, 102, 112, 146, 147, 148, 227],
      'Run Instances in Non-approved Region': [100, 102, 112, 146, 147, 148, 227],
      'Create AWS user': [172, 174, 175, 176, 177],
      'Update Lambda Function Code': [232, 234, 235, 236],
      'Put Bucket Policy': [310, 311, 312, 315, 320],
      'Put Bucket ACL': [336],
      'Delete Bucket Encryption': [345, 348, 368, 387],
    });
    // The failed calls of the same rules do not fire: StopLogging 53, CreateTrail 26, PutBucketAcl 337, DeleteBucketEncryption 346.
    for (const line of [26, 53, 337, 346]) assert.deepEqual(firing(rules, panther.get(line) as VigilEvent), [], `line ${line}`);
  });

  it('Run Instances in Non-approved Region: the list of approved regions decides', (t) => {
    if (!requireCorpus(t)) return;
    const rule = loadRules().find((r) => r.name === 'Run Instances in Non-approved Region');
    assert.ok(rule);
    assert.match(rule.condition, /not ct\.region in \(us-east-0\)/, 'the list is substituted');
    const matches = compile(parse(rule.condition), table);
    const e = pantherEvents().get(100) as VigilEvent;
    assert.equal(matches(e), true);
    assert.equal(matches(event({ ...(e.payload as JsonObject), awsRegion: 'us-east-0' })), false);
    assert.equal(
      format(rule.output, e).replace(/\s+/g, ' '),
      'A number of instances have been launched in a non-approved region. (requesting user=AWSServiceRoleForAutoScaling, requesting IP=autoscaling.amazonaws.com, AWS region=us-west-2, availability zone=us-west-2a, subnet id=<NA>, reservation id=r-0ff0b006325a10345, image id=i-07d06021b0da55115)',
    );
  });

  it('Delete Bucket Public Access Block: JSON booleans and the empty publicAccessBlock compare as text', (t) => {
    if (!requireCorpus(t)) return;
    const rule = loadRules().find((r) => r.name === 'Delete Bucket Public Access Block');
    assert.ok(rule);
    const matches = compile(parse(rule.condition), table);
    // Panther's PutBucketPublicAccessBlock record has no configuration: the rule does not fire.
    const real = pantherEvents().get(359) as VigilEvent;
    assert.equal(matches(real), false);
    // The same record with the request members CloudTrail writes when a block is switched off.
    const withConfig = (on: boolean) => {
      const record = real.payload as JsonObject;
      const rp = { ...(record['requestParameters'] as JsonObject), publicAccessBlock: '', PublicAccessBlockConfiguration: { RestrictPublicBuckets: on, BlockPublicPolicy: on, BlockPublicAcls: on, IgnorePublicAcls: true } };
      return event({ ...record, requestParameters: rp });
    };
    assert.equal(matches(withConfig(false)), true);
    assert.equal(matches(withConfig(true)), false);
    assert.equal(format(rule.output, withConfig(false)).replace(/\s+/g, ' '), 'A public access block for a bucket has been deleted (requesting user=AssumedRole, requesting IP=1.2.3.4, AWS region=us-east-1, bucket=corporate-documents)');
  });

  it("the plugin's own test: alice_start_instances fires 'Cloudtrail Create Instance' once", async (t) => {
    if (!requireCorpus(t)) return;
    const items = parseYaml(readFileSync(corpusPath('falco/plugins/cloudtrail/testdata/rules/cloudtrail_create_instances.yaml'), 'utf8')) as Record<string, unknown>[];
    const rule = items.find((i) => i['rule'] === 'Cloudtrail Create Instance');
    assert.ok(rule);
    // evt.num is Falco's event counter, not a plugin field: a stand-in numbers events from 1.
    const evtNum: FieldSpec<VigilEvent> = { name: 'evt.num', type: 'number', extract: (e) => e.origin.line };
    const matches = compile(parse(String(rule['condition'])), createFieldTable([...CLOUDTRAIL_FIELDS, evtNum]));
    const { events } = await decodeFiles(
      ['falco/plugins/cloudtrail/testdata/events/alice_start_instances.json', 'falco/plugins/cloudtrail/testdata/events/alice_start_instances_bigevent.json'].map(corpusPath),
      { format: 'cloudtrail' },
    );
    assert.deepEqual(events.map((e) => matches(e)), [true, true]);
    assert.equal(format('id=%ct.id user name=%json.value[/userIdentity/userName]', events[0] as VigilEvent), 'id=<NA> user name=Alice');
    assert.equal(compiledRules().filter((r) => events.some((e) => r.matches(e))).length, 0, 'no aws_cloudtrail rule is about StartInstances');
  });
});
