/**
 * Entities of alerts from the cloud plugins: `aws_cloudtrail` (`ct.*`, `s3.*`) and the identity
 * providers `okta`, `github`, `gcp_auditlog`. As for k8s_audit, the alert's `hostname` is where
 * Falco runs, not a party to the event.
 *
 * AWS principals are keyed by ARN like the CloudTrail source. Rules mostly print only `ct.user`
 * (the user name, or the role name for assumed roles); the ARN is rebuilt when the identity type
 * and account say how (Root, IAMUser without an IAM path). Otherwise the principal is keyed
 * `name:<ct.user>`: it joins other Falco alerts about that user, not CloudTrail events.
 */
import { type EntitySet, createEntity } from '../../core/entity.js';
import type { JsonObject } from '../../core/json.js';
import { fieldStr } from './fields.js';
import { ipAddress } from './net.js';

const ACCOUNT_ID = /^\d{12}$/;
const ASSUMED_ROLE = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export function addCloudTrailEntities(set: EntitySet, f: JsonObject | undefined): void {
  const principal = addPrincipal(set, f);
  const srcip = fieldStr(f, 'ct.srcip');
  const ip = srcip === undefined ? undefined : ipAddress(srcip);
  if (ip !== undefined) set.relate(principal, 'from-ip', set.add(createEntity('ip', ip)));
  const bucketName = fieldStr(f, 'ct.request.bucketname') ?? fieldStr(f, 's3.bucket');
  if (bucketName === undefined) return;
  const bucket = set.add(createEntity('s3-bucket', bucketName));
  set.relate(principal, 'targets', bucket);
  const key = fieldStr(f, 'ct.request.key') ?? fieldStr(f, 's3.key');
  if (key === undefined) return;
  const object = set.add(createEntity('s3-object', `${bucketName}/${key}`, key));
  set.relate(bucket, 'contains', object);
  set.relate(principal, 'targets', object);
}

function addPrincipal(set: EntitySet, f: JsonObject | undefined): string | undefined {
  const user = fieldStr(f, 'ct.user');
  const type = fieldStr(f, 'ct.user.identitytype');
  const arnField = fieldStr(f, 'ct.user.arn');
  const accountField = fieldStr(f, 'ct.user.accountid');
  const account = accountField !== undefined && ACCOUNT_ID.test(accountField) ? accountField : accountFromArn(arnField);
  const arn = arnField ?? derivedArn(type, account, user);
  const id = arn ?? (user === undefined ? undefined : `name:${user}`);
  if (id === undefined) return undefined;
  const assumed = arn === undefined ? null : ASSUMED_ROLE.exec(arn);
  const name = assumed === null ? (user ?? arn) : `${assumed[3]}/${assumed[4]}`;
  const principal = set.add(createEntity('aws-principal', id, name, type === undefined ? undefined : { type }));
  if (account !== undefined) set.relate(principal, 'member-of', set.add(createEntity('aws-account', account)));
  if (assumed !== null) addAssumedRole(set, principal, assumed);
  return principal;
}

/** An assumed-role session names its role and, for instance profiles, its EC2 instance. */
function addAssumedRole(set: EntitySet, principal: string, m: RegExpExecArray): void {
  const [, partition, account, role, session] = m;
  if (partition === undefined || role === undefined || session === undefined) return;
  const roleKey = set.add(createEntity('aws-role', `arn:${partition}:iam::${account}:role/${role}`, role));
  set.relate(principal, 'assumes', roleKey);
  if (INSTANCE_ID.test(session)) set.relate(principal, 'session-of', set.add(createEntity('ec2-instance', session)));
}

function derivedArn(type: string | undefined, account: string | undefined, user: string | undefined): string | undefined {
  if (account === undefined) return undefined;
  if (type === 'Root') return `arn:aws:iam::${account}:root`;
  if (type === 'IAMUser' && user !== undefined) return `arn:aws:iam::${account}:user/${user}`;
  return undefined;
}

function accountFromArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && ACCOUNT_ID.test(account) ? account : undefined;
}

/** Okta: the actor (login, else display name), the client address and the target user. */
export function addOktaEntities(set: EntitySet, f: JsonObject | undefined): void {
  const actor = addUser(set, fieldStr(f, 'okta.actor.alternateid') ?? fieldStr(f, 'okta.actor.name'), 'okta');
  addFromIp(set, actor, fieldStr(f, 'okta.client.ip'));
  const target = fieldStr(f, 'okta.target.user.alternateid') ?? fieldStr(f, 'okta.target.user.name');
  set.relate(actor, 'targets', addUser(set, target, 'okta'));
}

export function addGithubEntities(set: EntitySet, f: JsonObject | undefined): void {
  addUser(set, fieldStr(f, 'github.user'), 'github');
}

export function addGcpEntities(set: EntitySet, f: JsonObject | undefined): void {
  const actor = addUser(set, fieldStr(f, 'gcp.user'), 'gcp');
  addFromIp(set, actor, fieldStr(f, 'gcp.callerIP'));
}

function addUser(set: EntitySet, name: string | undefined, provider: string): string | undefined {
  return name === undefined ? undefined : set.add(createEntity('user', name, undefined, { provider }));
}

function addFromIp(set: EntitySet, actor: string | undefined, raw: string | undefined): void {
  const ip = raw === undefined ? undefined : ipAddress(raw);
  if (ip !== undefined) set.relate(actor, 'from-ip', set.add(createEntity('ip', ip)));
}
