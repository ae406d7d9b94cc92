/**
 * What an event acted on: S3 buckets and objects, EC2 instances and IAM roles, read from the
 * few request/response members and `resources[]` entries that name them. The actor `targets`
 * each. Lists are read up to a fixed bound, so one huge request costs no more than a few dozen.
 */
import { createEntity, type EntitySet } from '../../core/entity.js';
import { arr, isObject, obj, str, type JsonObject } from '../../core/json.js';
import { accountId, instanceId, parseArn, roleName } from './aws.js';
import { addRole } from './identity.js';

const MAX_ITEMS = 64;
const S3_SOURCE = 's3.amazonaws.com';

export function addTargets(set: EntitySet, record: JsonObject, eventSource: string, actor: string | undefined): void {
  const rp = obj(record, 'requestParameters');
  const re = obj(record, 'responseElements');
  if (eventSource === S3_SOURCE) addS3Request(set, rp, actor);
  addResources(set, arr(record, 'resources'), actor);
  addInstances(set, rp, actor);
  addInstances(set, re, actor);
  addFilteredInstances(set, rp, actor);
}

/** `requestParameters.bucketName` and `.key` of S3 API and data events. */
function addS3Request(set: EntitySet, rp: JsonObject | undefined, actor: string | undefined): void {
  const bucket = str(rp, 'bucketName');
  if (bucket !== undefined) addS3(set, bucket, str(rp, 'key'), undefined, actor);
}

/** Adds a bucket (and object) and returns nothing; the bucket `contains` the object. */
function addS3(set: EntitySet, bucketName: string, key: string | undefined, owner: string | undefined, actor: string | undefined): void {
  const bucket = set.add(createEntity('s3-bucket', bucketName));
  set.relate(actor, 'targets', bucket);
  if (owner !== undefined) set.relate(bucket, 'member-of', set.add(createEntity('aws-account', owner)));
  if (key === undefined) return;
  const object = set.add(createEntity('s3-object', `${bucketName}/${key}`, key));
  set.relate(bucket, 'contains', object);
  set.relate(actor, 'targets', object);
}

/**
 * `resources[]`: `{ARN | ARNPrefix, type, accountId}`. S3 bucket and object ARNs, IAM role ARNs
 * and EC2 instance ARNs become entities; an `ARNPrefix` (a listing's key prefix) names only its
 * bucket.
 */
function addResources(set: EntitySet, resources: readonly unknown[], actor: string | undefined): void {
  const n = Math.min(resources.length, MAX_ITEMS);
  for (let i = 0; i < n; i++) {
    const r = resources[i];
    if (!isObject(r)) continue;
    const full = str(r, 'ARN');
    const arn = parseArn(full ?? str(r, 'ARNPrefix'));
    if (arn === undefined) continue;
    if (arn.service === 's3' && arn.account === '') addS3Resource(set, arn.resource, full !== undefined, accountId(r['accountId']), actor);
    else if (arn.service === 'iam' && full !== undefined && roleName(full) !== undefined) set.relate(actor, 'targets', addRole(set, full));
    else if (arn.service === 'ec2' && arn.resource.startsWith('instance/')) addInstance(set, arn.resource.slice('instance/'.length), actor);
  }
}

function addS3Resource(set: EntitySet, resource: string, isObjectArn: boolean, owner: string | undefined, actor: string | undefined): void {
  const slash = resource.indexOf('/');
  const bucket = slash < 0 ? resource : resource.slice(0, slash);
  if (bucket === '') return;
  const key = slash < 0 || !isObjectArn ? undefined : resource.slice(slash + 1);
  addS3(set, bucket, key === '' ? undefined : key, owner, actor);
}

/**
 * Instance ids in `instanceId`, `instanceIds[]`, `instancesSet.items[].instanceId` (EC2) and
 * `target` (SSM sessions), of the request or the response. SSM `SendCommand` also echoes its
 * targets in `responseElements.command.instanceIds`.
 */
function addInstances(set: EntitySet, o: JsonObject | undefined, actor: string | undefined): void {
  if (o === undefined) return;
  addInstance(set, o['instanceId'], actor);
  addInstance(set, o['target'], actor);
  addInstanceList(set, arr(obj(o, 'command'), 'instanceIds'), actor);
  addInstanceList(set, arr(o, 'instanceIds'), actor);
  const items = arr(obj(o, 'instancesSet'), 'items');
  for (let i = 0; i < items.length && i < MAX_ITEMS; i++) {
    const item = items[i];
    if (isObject(item)) addInstance(set, item['instanceId'], actor);
  }
}

/**
 * Instances a describe call filters on: SSM `filters[{key: "InstanceIds", values}]` and EC2
 * `filterSet.items[{name: "instance-id", valueSet.items[{value}]}]` (polling a victim instance).
 */
function addFilteredInstances(set: EntitySet, rp: JsonObject | undefined, actor: string | undefined): void {
  const filters = arr(rp, 'filters');
  for (let i = 0; i < filters.length && i < MAX_ITEMS; i++) {
    const f = filters[i];
    if (isObject(f) && f['key'] === 'InstanceIds') addInstanceList(set, arr(f, 'values'), actor);
  }
  const items = arr(obj(rp, 'filterSet'), 'items');
  for (let i = 0; i < items.length && i < MAX_ITEMS; i++) {
    const f = items[i];
    if (!isObject(f) || f['name'] !== 'instance-id') continue;
    const values = arr(obj(f, 'valueSet'), 'items');
    for (let j = 0; j < values.length && j < MAX_ITEMS; j++) {
      const v = values[j];
      if (isObject(v)) addInstance(set, v['value'], actor);
    }
  }
}

function addInstanceList(set: EntitySet, ids: readonly unknown[], actor: string | undefined): void {
  for (let i = 0; i < ids.length && i < MAX_ITEMS; i++) addInstance(set, ids[i], actor);
}

function addInstance(set: EntitySet, raw: unknown, actor: string | undefined): void {
  const id = instanceId(raw);
  if (id === undefined) return;
  set.relate(actor, 'targets', set.add(createEntity('ec2-instance', id)));
}
