/**
 * The fields of Falco's cloudtrail plugin (`ct.*`, `s3.*`, `ec2.*`, `ecr.*`, `iam.*`) and of its
 * json plugin (`json.*`, `jevt.*`), read from the CloudTrail record an event keeps as `payload`,
 * so Falco's aws_cloudtrail rules run unchanged. Semantics follow the plugins' extractors; where
 * the plugin's releases disagree, or its Go code reads a record wrongly, the choice made is
 * listed in docs/fields/cloudtrail.md.
 *
 * Conventions, as in the plugin: a member the record lacks is missing (every comparison false),
 * an empty string is a value, and a string field whose member is not a JSON string is missing.
 * Extraction reads members directly; only the fields that render objects serialise JSON.
 */
import type { VigilEvent } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import type { FieldSpec, FieldType, FieldValue } from '../../lang/fields.js';
import { serviceOf } from './aws.js';

type Read = (record: JsonObject, arg: string | undefined) => FieldValue | undefined;

const SERVICE_SUFFIX = '.amazonaws.com';

/**
 * Write events by name, for records without `readOnly`: the plugin's heuristic (a verb prefix
 * that changes state), kept as written there.
 */
const WRITE_VERB =
  /^(?:Start|Stop|Create|Destroy|Delete|Add|Remove|Terminate|Put|Associate|Disassociate|Attach|Detach|Open|Close|Wipe|Update|Upgrade|Unlink|Assign|Unassign|Suspend|Set|Run|Register|Deregister|Reboot|Purchase|Modify|Initialize|Enable|Disable|Cancel|Admin|Activate)/;

/** Indexes in field arguments (`ec2.imageids[0]`) and pointer segments on arrays. */
const INDEX = /^\d+$/;
/** Go's `strconv.Atoi`, which the json plugin uses for a pointer segment into an array. */
const ATOI = /^[+-]?\d+$/;

/** More distinct pointers than any rule set names; past it they are parsed per call, not kept. */
const POINTER_CACHE_LIMIT = 4096;

// ---- readers of one record

/** The member as a string, `''` included (the plugin's "present"); other JSON types are missing. */
function text(o: JsonObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

function member(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

/** A string member at `path` (one or two keys deep, as every plugin field is). */
function textAt(path: readonly [string] | readonly [string, string]): Read {
  const [first, second] = path;
  if (second === undefined) return (r) => text(r, first);
  return (r) => text(member(r, first), second);
}

/**
 * How the json plugin (and the cloudtrail fields that render a whole member) print a value:
 * strings as themselves, everything else as compact JSON (`false`, `null`, `{"a":1}`).
 */
function render(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A whole member rendered as text: `ct.request`, `ct.response`... (`null` prints `null`). */
function rendered(key: string): Read {
  return (r) => render(r[key]);
}

/**
 * The plugin's boolean members as `"true"`/`"false"`. CloudTrail writes `readOnly` and
 * `managementEvent` as JSON booleans but `sessionCredentialFromConsole` as the string `"true"`:
 * that string reads `"true"` here (the Go plugin, reading only booleans, prints it `"false"`).
 * Any other present value is `"false"`, as in the plugin.
 */
function flag(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (v === true) return 'true';
  return typeof v === 'string' && v.toLowerCase() === 'true' ? 'true' : 'false';
}

/** A byte count as the plugin reads it: JSON numbers truncated to an unsigned integer, other values 0. */
function byteCount(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.trunc(v) : 0;
}

function bytes(r: JsonObject, key: 'bytesTransferredIn' | 'bytesTransferredOut'): number | undefined {
  const extra = member(r, 'additionalEventData');
  return extra === undefined || !(key in extra) ? undefined : byteCount(extra[key]);
}

/**
 * `ct.user`, by identity type: the user name of IAM users and root, the calling service, the
 * role (session issuer's name) of assumed-role sessions, and only the type for accounts and
 * federated users. Other types (SAMLUser, WebIdentityUser, IdentityCenterUser, Unknown) have
 * none, like a missing user name. Vigil's principal naming (identity.ts) is richer; this is the
 * plugin's, which rules and their outputs expect.
 */
function ctUser(r: JsonObject): string | undefined {
  const ui = member(r, 'userIdentity');
  switch (text(ui, 'type')) {
    case 'Root':
    case 'IAMUser':
      return text(ui, 'userName');
    case 'AWSService':
      return text(ui, 'invokedBy');
    case 'AssumedRole':
      return text(member(member(ui, 'sessionContext'), 'sessionIssuer'), 'userName') ?? 'AssumedRole';
    case 'AWSAccount':
      return 'AWSAccount';
    case 'FederatedUser':
      return 'FederatedUser';
    default:
      return undefined;
  }
}

/**
 * `ct.originaluser`: the session name of an assumed role, from an ARN of exactly three
 * `/`-parts (`…:assumed-role/ROLE/SESSION`) or else a principal id of exactly two `:`-parts
 * (`AROA…:SESSION`); the user name for every other identity type.
 */
function originalUser(r: JsonObject): string | undefined {
  const ui = member(r, 'userIdentity');
  if (text(ui, 'type') !== 'AssumedRole') return text(ui, 'userName');
  const arnParts = text(ui, 'arn')?.split('/');
  if (arnParts?.length === 3) return arnParts[2];
  const idParts = text(ui, 'principalId')?.split(':');
  return idParts?.length === 2 ? idParts[1] : undefined;
}

/** `eventSource` without `.amazonaws.com`; a source that is only the suffix stays whole, as in the plugin. */
function shortSource(r: JsonObject): string | undefined {
  const src = text(r, 'eventSource');
  return src !== undefined && src.length > SERVICE_SUFFIX.length ? serviceOf(src) : src;
}

function readOnly(r: JsonObject): string | undefined {
  if ('readOnly' in r) return flag(r['readOnly']);
  const name = text(r, 'eventName');
  if (name === undefined) return undefined;
  return WRITE_VERB.test(name) ? 'false' : 'true';
}

function resources(r: JsonObject): string | undefined {
  const list = r['resources'];
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.map((x) => JSON.stringify(x)).join(',');
}

function s3Uri(r: JsonObject): string | undefined {
  const rp = member(r, 'requestParameters');
  const bucket = text(rp, 'bucketName');
  const key = text(rp, 'key');
  return bucket === undefined || key === undefined ? undefined : `s3://${bucket}/${key}`;
}

function s3Bytes(r: JsonObject): number | undefined {
  const bytesIn = bytes(r, 'bytesTransferredIn');
  const bytesOut = bytes(r, 'bytesTransferredOut');
  if (bytesIn === undefined && bytesOut === undefined) return undefined;
  return (bytesIn ?? 0) + (bytesOut ?? 0);
}

/** 1 for the named operation, missing otherwise: the plugin reports no value rather than 0. */
function s3Count(r: JsonObject, want: (eventName: string | undefined) => boolean): number | undefined {
  return want(text(r, 'eventName')) ? 1 : undefined;
}

/**
 * `ec2.name`: the `Name` tag of the instance tag specifications of a RunInstances request; with
 * several instance specifications the last one's, and an empty name is none, as in the plugin.
 */
function ec2Name(r: JsonObject): string | undefined {
  const items = member(member(r, 'requestParameters'), 'tagSpecificationSet')?.['items'];
  if (!Array.isArray(items)) return undefined;
  let name = '';
  for (const item of items) {
    if (!isObject(item) || item['resourceType'] !== 'instance') continue;
    const tags = item['tags'];
    if (!Array.isArray(tags)) continue;
    for (const tag of tags) {
      if (isObject(tag) && tag['key'] === 'Name') {
        name = text(tag, 'value') ?? '';
        break;
      }
    }
  }
  return name === '' ? undefined : name;
}

/**
 * The AMIs an event involves: the instances a RunInstances started (one per instance, in
 * order), else the image a request names (DeregisterImage and other image calls), a
 * DescribeFastLaunchImages request's ids, or a RequestSpotInstances launch specification's.
 */
function imageIds(r: JsonObject): string[] | undefined {
  const out: string[] = [];
  const launched = member(member(r, 'responseElements'), 'instancesSet')?.['items'];
  if (Array.isArray(launched)) {
    for (const item of launched) {
      const id = isObject(item) ? text(item, 'imageId') : undefined;
      if (id !== undefined && id !== '') out.push(id);
    }
  }
  if (out.length > 0) return out;
  const rp = member(r, 'requestParameters');
  const named = text(rp, 'imageId');
  if (named !== undefined && named !== '') return [named];
  // One id is an object `{"content": "ami-…", "tag": 1}`, several an array of them.
  const fastLaunch = member(rp, 'DescribeFastLaunchImagesRequest')?.['ImageId'];
  for (const entry of Array.isArray(fastLaunch) ? fastLaunch : [fastLaunch]) {
    const id = isObject(entry) ? text(entry, 'content') : undefined;
    if (id !== undefined && id !== '') out.push(id);
  }
  if (out.length > 0) return out;
  const spot = text(member(rp, 'launchSpecification'), 'imageId');
  return spot !== undefined && spot !== '' ? [spot] : undefined;
}

function imageIdsAt(r: JsonObject, arg: string | undefined): FieldValue | undefined {
  const ids = imageIds(r);
  if (arg === undefined || ids === undefined) return ids;
  if (!INDEX.test(arg)) return undefined;
  const id = ids[Number(arg)];
  return id === undefined ? undefined : [id];
}

/**
 * `ct.info`, the one-line summary Falco shows: "USER via IP [!]←|→ NAME" plus the S3 size and
 * object, or the public-access-block settings. Written as the plugin's Go extractor writes it,
 * except that those settings are read from the request (the plugin reads them from the record's
 * top level, where they never are, and so always prints `false`).
 */
function info(r: JsonObject): string {
  const user = ctUser(r);
  if (user === undefined) return '<invalid cloudtrail event: userIdentity field missing>';
  const srcip = text(r, 'sourceIPAddress');
  if (srcip === undefined) return '<invalid cloudtrail event: eventSource field missing>';
  const name = text(r, 'eventName');
  if (name === undefined) return '<invalid cloudtrail event: eventName field missing>';
  const err = text(r, 'errorCode') === undefined ? '' : '!';
  const rw = readOnly(r) === 'false' ? '→' : '←';
  let line = user === srcip ? `${user} ${err}${rw} ${name}` : `${user} via ${srcip} ${err}${rw} ${name}`;
  if (name === 'PutBucketPublicAccessBlock') {
    const pab = member(member(r, 'requestParameters'), 'PublicAccessBlockConfiguration');
    if (pab !== undefined) {
      const on = (k: string) => pab[k] === true;
      line += ` BlockPublicAcls=${on('BlockPublicAcls')} BlockPublicPolicy=${on('BlockPublicPolicy')} IgnorePublicAcls=${on('IgnorePublicAcls')} RestrictPublicBuckets=${on('RestrictPublicBuckets')} `;
    }
    return line;
  }
  const size = s3Bytes(r);
  if (size !== undefined) line += ` Size=${size}`;
  const rp = member(r, 'requestParameters');
  const uri = s3Uri(r);
  if (uri !== undefined) return `${line} URI=${uri}`;
  const bucket = text(rp, 'bucketName');
  if (bucket !== undefined) return `${line} Bucket=${bucket}`;
  const key = text(rp, 'key');
  if (key !== undefined) return `${line} Key=${key}`;
  const host = text(rp, 'Host');
  return host === undefined ? line : `${line} Host=${host}`;
}

// ---- JSON pointers (json.value)

/** A parsed pointer: its unescaped keys and, where a key can index an array, that index. */
interface Pointer {
  readonly keys: readonly string[];
  readonly indexes: readonly number[];
}

/**
 * RFC 6901 as the json plugin reads it: the leading `/` is optional, `~1` is `/` and `~0` is
 * `~`, and an array is indexed by a decimal key. The empty pointer is an error there, missing here.
 */
function parsePointer(arg: string): Pointer | undefined {
  if (arg === '') return undefined;
  const keys = (arg.startsWith('/') ? arg.slice(1) : arg).split('/').map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
  const indexes = keys.map((k) => (ATOI.test(k) ? Number(k) : -1));
  return { keys, indexes };
}

function resolvePointer(root: unknown, p: Pointer): unknown {
  let cur = root;
  for (let i = 0; i < p.keys.length; i++) {
    if (Array.isArray(cur)) {
      const n = p.indexes[i] ?? -1;
      if (n < 0 || n >= cur.length) return undefined;
      cur = cur[n];
    } else if (isObject(cur)) {
      const key = p.keys[i] as string;
      if (!Object.hasOwn(cur, key)) return undefined;
      cur = cur[key];
    } else {
      return undefined;
    }
  }
  return cur;
}

/**
 * Parsing a pointer per event would cost more than following it, and the pointers are the few
 * a rule set names: each is parsed once and kept in this table's own map.
 */
function pointerCache(): (arg: string) => Pointer | undefined {
  const cache = new Map<string, Pointer | null>();
  return (arg) => {
    const hit = cache.get(arg);
    if (hit !== undefined) return hit ?? undefined;
    const p = parsePointer(arg);
    if (cache.size < POINTER_CACHE_LIMIT) cache.set(arg, p ?? null);
    return p;
  };
}

/** Epoch nanoseconds as decimal text; BigInt because they exceed 2^53. */
function rawTime(e: VigilEvent): string | undefined {
  if (!Number.isFinite(e.timeMs)) return undefined;
  return (BigInt(Math.round(e.timeMs * 1000)) * 1000n).toString();
}

/** `json.*` and its legacy `jevt.*` names, sharing one pointer cache. */
function jsonFields(): FieldSpec<VigilEvent>[] {
  const pointer = pointerCache();
  const specs: FieldSpec<VigilEvent>[] = [];
  for (const prefix of ['json', 'jevt']) {
    specs.push(
      {
        name: `${prefix}.value`,
        type: 'string',
        arg: 'required',
        extract(e, arg) {
          const p = arg === undefined ? undefined : pointer(arg);
          return p === undefined ? undefined : render(resolvePointer(e.payload, p));
        },
      },
      { name: `${prefix}.obj`, type: 'string', extract: (e) => (isObject(e.payload) ? JSON.stringify(e.payload, null, 2) : undefined) },
      { name: `${prefix}.rawtime`, type: 'string', extract: rawTime },
    );
  }
  return specs;
}

// ---- the table

interface Options {
  readonly list?: boolean;
  readonly arg?: 'optional';
}

/** A field reading the record; an event whose payload is not an object has none of them. */
function field(name: string, type: FieldType, read: Read, options: Options = {}): FieldSpec<VigilEvent> {
  return {
    name,
    type,
    ...options,
    extract(e, arg) {
      const p = e.payload;
      return isObject(p) ? read(p, arg) : undefined;
    },
  };
}

const stringField = (name: string, ...path: readonly [string] | readonly [string, string]): FieldSpec<VigilEvent> => field(name, 'string', textAt(path));

/** Every field of the plugin's README table, in its order, then the json plugin's. */
export const CLOUDTRAIL_FIELDS: readonly FieldSpec<VigilEvent>[] = Object.freeze([
  stringField('ct.id', 'eventID'),
  stringField('ct.error', 'errorCode'),
  stringField('ct.errormessage', 'errorMessage'),
  stringField('ct.time', 'eventTime'),
  stringField('ct.src', 'eventSource'),
  field('ct.shortsrc', 'string', shortSource),
  stringField('ct.name', 'eventName'),
  field('ct.user', 'string', ctUser),
  field('ct.originaluser', 'string', originalUser),
  field('ct.user.accountid', 'string', (r) => text(member(r, 'userIdentity'), 'accountId') ?? text(r, 'recipientAccountId')),
  stringField('ct.user.identitytype', 'userIdentity', 'type'),
  stringField('ct.user.principalid', 'userIdentity', 'principalId'),
  stringField('ct.user.arn', 'userIdentity', 'arn'),
  stringField('ct.region', 'awsRegion'),
  stringField('ct.response.subnetid', 'responseElements', 'subnetId'),
  stringField('ct.response.reservationid', 'responseElements', 'reservationId'),
  field('ct.response', 'string', rendered('responseElements')),
  stringField('ct.request.availabilityzone', 'requestParameters', 'availabilityZone'),
  stringField('ct.request.cluster', 'requestParameters', 'cluster'),
  stringField('ct.request.functionname', 'requestParameters', 'functionName'),
  stringField('ct.request.groupname', 'requestParameters', 'groupName'),
  stringField('ct.request.host', 'requestParameters', 'Host'),
  stringField('ct.request.name', 'requestParameters', 'name'),
  stringField('ct.request.policy', 'requestParameters', 'policy'),
  stringField('ct.request.reason', 'requestParameters', 'reason'),
  stringField('ct.request.target', 'requestParameters', 'target'),
  stringField('ct.request.documentname', 'requestParameters', 'documentName'),
  stringField('ct.request.serialnumber', 'requestParameters', 'serialNumber'),
  stringField('ct.request.servicename', 'requestParameters', 'serviceName'),
  stringField('ct.request.subnetid', 'requestParameters', 'subnetId'),
  stringField('ct.request.taskdefinition', 'requestParameters', 'taskDefinition'),
  stringField('ct.request.username', 'requestParameters', 'userName'),
  field('ct.request', 'string', rendered('requestParameters')),
  stringField('ct.srcip', 'sourceIPAddress'),
  stringField('ct.useragent', 'userAgent'),
  field('ct.info', 'string', info),
  field('ct.managementevent', 'string', (r) => flag(r['managementEvent'])),
  field('ct.readonly', 'string', readOnly),
  stringField('ct.requestid', 'requestID'),
  stringField('ct.eventtype', 'eventType'),
  stringField('ct.apiversion', 'apiVersion'),
  field('ct.resources', 'string', resources),
  stringField('ct.recipientaccountid', 'recipientAccountId'),
  field('ct.serviceeventdetails', 'string', rendered('serviceEventDetails')),
  stringField('ct.sharedeventid', 'sharedEventID'),
  stringField('ct.vpcendpointid', 'vpcEndpointId'),
  stringField('ct.eventcategory', 'eventCategory'),
  stringField('ct.addendum.reason', 'addendum', 'reason'),
  stringField('ct.addendum.updatedfields', 'addendum', 'updatedFields'),
  stringField('ct.addendum.originalrequestid', 'addendum', 'originalRequestID'),
  stringField('ct.addendum.originaleventid', 'addendum', 'originalEventID'),
  field('ct.sessioncredentialfromconsole', 'string', (r) => flag(r['sessionCredentialFromConsole'])),
  field('ct.edgedevicedetails', 'string', rendered('edgeDeviceDetails')),
  stringField('ct.tlsdetails.tlsversion', 'tlsDetails', 'tlsVersion'),
  stringField('ct.tlsdetails.ciphersuite', 'tlsDetails', 'cipherSuite'),
  stringField('ct.tlsdetails.clientprovidedhostheader', 'tlsDetails', 'clientProvidedHostHeader'),
  field('ct.additionaleventdata', 'string', rendered('additionalEventData')),
  field('s3.uri', 'string', s3Uri),
  stringField('s3.bucket', 'requestParameters', 'bucketName'),
  stringField('s3.key', 'requestParameters', 'key'),
  field('s3.bytes', 'number', s3Bytes),
  field('s3.bytes.in', 'number', (r) => bytes(r, 'bytesTransferredIn')),
  field('s3.bytes.out', 'number', (r) => bytes(r, 'bytesTransferredOut')),
  field('s3.cnt.get', 'number', (r) => s3Count(r, (n) => n === 'GetObject')),
  field('s3.cnt.put', 'number', (r) => s3Count(r, (n) => n === 'PutObject')),
  field('s3.cnt.other', 'number', (r) => s3Count(r, (n) => n !== 'GetObject' && n !== 'PutObject')),
  field('ec2.name', 'string', ec2Name),
  field('ec2.imageid', 'string', (r) => imageIds(r)?.[0]),
  field('ec2.imageids', 'string', imageIdsAt, { list: true, arg: 'optional' }),
  stringField('ecr.repository', 'requestParameters', 'repositoryName'),
  stringField('ecr.imagetag', 'requestParameters', 'imageTag'),
  stringField('iam.role', 'requestParameters', 'roleName'),
  stringField('iam.policy', 'requestParameters', 'policyName'),
  ...jsonFields(),
]);
