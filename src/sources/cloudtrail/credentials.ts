/**
 * STS calls that mint credentials. Their response names the new session and its access key, so
 * later events signed with that key (often from somewhere else: stolen instance credentials)
 * join back to the role, the instance and the caller that obtained them.
 */
import { createEntity, type EntitySet } from '../../core/entity.js';
import { obj, str, type JsonObject } from '../../core/json.js';
import { accountId, assumedRoleArn, assumedRoleParts, parseArn, roleName } from './aws.js';
import { addAccessKey, addRole, addSessionInstance, principalAttrs } from './identity.js';

const ASSUME_ROLE: ReadonlySet<string> = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']);

/**
 * For `sts:AssumeRole*`, `GetSessionToken` and `GetFederationToken`: the target role, the new
 * session principal and the new key `key-of` it. A failed call (`errorCode`) created nothing,
 * so only the role it aimed at is added.
 */
export function addIssuedCredentials(set: EntitySet, record: JsonObject, eventName: string, actor: string | undefined, failed: boolean): void {
  const rp = obj(record, 'requestParameters');
  const re = obj(record, 'responseElements');
  if (ASSUME_ROLE.has(eventName)) {
    const roleArn = str(rp, 'roleArn');
    const role = roleArn === undefined || roleName(roleArn) === undefined ? undefined : addRole(set, roleArn);
    set.relate(actor, 'targets', role);
    if (!failed) addAssumedSession(set, rp, re, roleArn, role);
    return;
  }
  if (failed) return;
  const newKey = str(obj(re, 'credentials'), 'accessKeyId');
  if (eventName === 'GetSessionToken') {
    addAccessKey(set, newKey, actor);
  } else if (eventName === 'GetFederationToken') {
    const fedArn = str(obj(re, 'federatedUser'), 'arn');
    const fed = fedArn === undefined ? undefined : addFederatedUser(set, fedArn, str(obj(re, 'federatedUser'), 'federatedUserId'));
    set.relate(fed, 'acts-as', actor);
    addAccessKey(set, newKey, fed);
  }
}

/** The session principal that `AssumeRole*` created, from the response or rebuilt from the request. */
function addAssumedSession(set: EntitySet, rp: JsonObject | undefined, re: JsonObject | undefined, roleArn: string | undefined, role: string | undefined): void {
  const assumed = obj(re, 'assumedRoleUser');
  const requested = str(rp, 'roleSessionName');
  const arn = str(assumed, 'arn') ?? (roleArn === undefined || requested === undefined ? undefined : assumedRoleArn(roleArn, requested));
  const parts = assumedRoleParts(arn);
  if (arn === undefined || parts === undefined) return;
  const assumedRoleId = str(assumed, 'assumedRoleId');
  const session = set.add(createEntity('aws-principal', arn, `${parts.role}/${parts.session}`, principalAttrs('AssumedRole', assumedRoleId)));
  set.relate(session, 'assumes', role ?? addRole(set, `arn:${parts.partition}:iam::${parts.account}:role/${parts.role}`, parts.role));
  const account = accountId(parts.account);
  if (account !== undefined) set.relate(session, 'member-of', set.add(createEntity('aws-account', account)));
  addSessionInstance(set, parts.session, session);
  addAccessKey(set, str(obj(re, 'credentials'), 'accessKeyId'), session);
}

function addFederatedUser(set: EntitySet, arn: string, federatedUserId: string | undefined): string {
  const name = arn.slice(arn.lastIndexOf('/') + 1) || arn;
  const fed = set.add(createEntity('aws-principal', arn, name, principalAttrs('FederatedUser', federatedUserId)));
  const account = accountId(parseArn(arn)?.account);
  if (account !== undefined) set.relate(fed, 'member-of', set.add(createEntity('aws-account', account)));
  return fed;
}
