/**
 * The caller of a CloudTrail event (`userIdentity`) as entities: the principal, its account,
 * the access key it signed with, the role or user its session was issued by, and the EC2
 * instance whose instance-profile session it is. The principal is the event's actor: the
 * source IP and every target attach to it.
 */
import { createEntity, type EntitySet } from '../../core/entity.js';
import { obj, str, type JsonObject } from '../../core/json.js';
import {
  accessKeyKind,
  accountId,
  assumedRoleArn,
  assumedRoleParts,
  instanceId,
  lastSegment,
  parseArn,
  roleArnOfSession,
  roleName,
  sessionOfPrincipalId,
} from './aws.js';

/** What CloudTrail writes for the user name of a failed console sign-in to an unknown user. */
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';
const ANONYMOUS = 'ANONYMOUS_PRINCIPAL';
/** Event types that legitimately have no caller (Insights, some service events). */
const CALLERLESS: ReadonlySet<string> = new Set(['AwsCloudTrailInsight', 'AwsServiceEvent']);

interface Principal {
  readonly id: string;
  readonly name: string;
}

/**
 * Adds the caller's entities and returns the principal's key, or undefined when the record does
 * not say who called (then no relation can start from an actor).
 */
export function addIdentity(set: EntitySet, record: JsonObject, ui: JsonObject | undefined, kind: string): string | undefined {
  if (ui === undefined) return CALLERLESS.has(kind) ? undefined : addAnonymous(set);
  const type = str(ui, 'type') ?? (str(ui, 'invokedBy') === undefined ? 'Unknown' : 'AWSService');
  if (isAnonymous(ui, type)) return addAnonymous(set);
  const p = resolvePrincipal(type, ui, record);
  const principalId = str(ui, 'principalId');
  const principal =
    p === undefined
      ? undefined
      : set.add(createEntity('aws-principal', p.id, p.name, principalAttrs(type, principalId)));
  if (type !== 'AWSService') {
    const account = accountId(ui['accountId']) ?? accountId(parseArn(str(ui, 'arn'))?.account);
    if (account !== undefined) set.relate(principal, 'member-of', set.add(createEntity('aws-account', account)));
  }
  addAccessKey(set, str(ui, 'accessKeyId'), principal);
  addIssuer(set, ui, type, principal);
  if (type === 'AssumedRole' || type === 'AWSAccount') {
    const session = sessionOfPrincipalId(principalId) ?? assumedRoleParts(str(ui, 'arn'))?.session;
    addSessionInstance(set, session, principal);
  }
  return principal;
}

/** Adds an access key, `key-of` its principal when known. Shared with the STS issuance events. */
export function addAccessKey(set: EntitySet, keyId: string | undefined, principal: string | undefined): void {
  if (keyId === undefined) return;
  const kind = accessKeyKind(keyId);
  const key = set.add(createEntity('aws-access-key', keyId, keyId, kind === undefined ? undefined : { kind }));
  set.relate(key, 'key-of', principal);
}

/** Adds an IAM role by ARN, `member-of` its account, and returns its key. */
export function addRole(set: EntitySet, arn: string, name?: string): string {
  const role = set.add(createEntity('aws-role', arn, name ?? roleName(arn) ?? lastSegment(arn)));
  const account = accountId(parseArn(arn)?.account);
  if (account !== undefined) set.relate(role, 'member-of', set.add(createEntity('aws-account', account)));
  return role;
}

/**
 * Instance-profile sessions are named after their instance (`AROA…:i-0abc…`), the link that
 * lets stolen instance credentials lead back to the machine they were taken from.
 */
export function addSessionInstance(set: EntitySet, session: string | undefined, principal: string | undefined): void {
  const id = instanceId(session);
  if (id === undefined || principal === undefined) return;
  set.relate(principal, 'session-of', set.add(createEntity('ec2-instance', id)));
}

/** A principal's attrs: its identity type and, when known, its unique id (`AIDA…`, `AROA…:session`). */
export function principalAttrs(type: string, principalId: string | undefined): Record<string, string> {
  return principalId === undefined ? { type } : { type, principalId };
}

function addAnonymous(set: EntitySet): string {
  return set.add(createEntity('aws-principal', 'anonymous', 'anonymous', { type: 'Anonymous' }));
}

/** S3 writes unauthenticated callers as `AWSAccount` with `ANONYMOUS_PRINCIPAL`. */
function isAnonymous(ui: JsonObject, type: string): boolean {
  if (ui['accountId'] === ANONYMOUS) return true;
  return type === 'AWSAccount' && ui['principalId'] === '' && accountId(ui['accountId']) === undefined;
}

/**
 * The session's issuer: a role for assumed-role sessions (`assumes`), the IAM user for
 * federation-token sessions (the federated session `acts-as` that user, with its permissions).
 */
function addIssuer(set: EntitySet, ui: JsonObject, type: string, principal: string | undefined): void {
  if (principal === undefined) return;
  const issuer = obj(obj(ui, 'sessionContext'), 'sessionIssuer');
  const issuerArn = str(issuer, 'arn');
  const issuerType = str(issuer, 'type');
  const issuedByRole = issuerType === 'Role' || (issuerType === undefined && type === 'AssumedRole');
  if (issuerArn !== undefined && issuedByRole && roleName(issuerArn) !== undefined) {
    set.relate(principal, 'assumes', addRole(set, issuerArn, str(issuer, 'userName')));
  } else if (issuerArn !== undefined && issuerType === 'IAMUser') {
    const attrs = principalAttrs('IAMUser', str(issuer, 'principalId'));
    const user = set.add(createEntity('aws-principal', issuerArn, str(issuer, 'userName') ?? lastSegment(issuerArn), attrs));
    const account = accountId(issuer?.['accountId']) ?? accountId(parseArn(issuerArn)?.account);
    if (account !== undefined) set.relate(user, 'member-of', set.add(createEntity('aws-account', account)));
    set.relate(principal, 'acts-as', user);
  } else if (type === 'AssumedRole') {
    const role = roleArnOfSession(str(ui, 'arn'));
    if (role !== undefined) set.relate(principal, 'assumes', addRole(set, role.arn, role.name));
  }
}

/**
 * The principal's id by identity type: the identity ARN when there is one, else an ARN rebuilt
 * from the account and name, else a prefixed id (`service:`, `account:`, `saml:`...) that is
 * unique but joins only records of the same shape. Undefined when nothing identifies it.
 */
function resolvePrincipal(type: string, ui: JsonObject, record: JsonObject): Principal | undefined {
  const arn = str(ui, 'arn');
  const acct = accountId(ui['accountId']);
  const pid = str(ui, 'principalId');
  const user = str(ui, 'userName');
  switch (type) {
    case 'AWSService': {
      const svc = str(ui, 'invokedBy') ?? serviceCaller(record);
      return svc === undefined ? undefined : { id: `service:${svc}`, name: svc };
    }
    case 'Root':
      return withId(arn ?? (acct === undefined ? undefined : `arn:aws:iam::${acct}:root`), 'root');
    case 'IAMUser':
      if (user === HIDDEN) return undefined;
      return withId(arn ?? (acct === undefined || user === undefined ? undefined : `arn:aws:iam::${acct}:user/${user}`), user ?? lastSegment(arn));
    case 'AssumedRole':
      return assumedRolePrincipal(ui, arn, pid);
    case 'FederatedUser': {
      const name = lastSegment(arn) ?? sessionOfPrincipalId(pid);
      return withId(arn ?? (acct === undefined || name === undefined ? undefined : `arn:aws:sts::${acct}:federated-user/${name}`), name);
    }
    case 'AWSAccount':
      if (pid === undefined || pid === acct) return withId(acct === undefined ? undefined : `arn:aws:iam::${acct}:root`, acct);
      return { id: `account:${acct ?? 'unknown'}:${pid}`, name: pid };
    case 'IdentityCenterUser': {
      const userId = str(obj(ui, 'onBehalfOf'), 'userId');
      return withId(arn ?? (userId === undefined ? undefined : `identity-center:${userId}`), user ?? userId);
    }
    default:
      return withId(arn ?? (pid === undefined ? undefined : `${prefixOf(type)}:${pid}`), user ?? lastSegment(arn) ?? pid);
  }
}

/** `ROLE/SESSION`-named session principal; rebuilt from the issuer when the ARN is absent. */
function assumedRolePrincipal(ui: JsonObject, arn: string | undefined, pid: string | undefined): Principal | undefined {
  const issuer = obj(obj(ui, 'sessionContext'), 'sessionIssuer');
  const issuerArn = str(issuer, 'arn');
  const session = sessionOfPrincipalId(pid) ?? assumedRoleParts(arn)?.session;
  const id = arn ?? (issuerArn === undefined || session === undefined ? undefined : assumedRoleArn(issuerArn, session));
  const role = str(issuer, 'userName') ?? assumedRoleParts(id)?.role;
  return withId(id, role !== undefined && session !== undefined ? `${role}/${session}` : undefined);
}

/** The calling service of an AWSService identity without `invokedBy`: a `sourceIPAddress` like `ec2.amazonaws.com`. */
function serviceCaller(record: JsonObject): string | undefined {
  const src = str(record, 'sourceIPAddress');
  return src !== undefined && src.endsWith('.amazonaws.com') ? src : undefined;
}

/** `saml`, `web-identity`, `unknown`…: the id prefix for identity types without ARNs. */
function prefixOf(type: string): string {
  if (type === 'SAMLUser') return 'saml';
  if (type === 'WebIdentityUser') return 'web-identity';
  return type.toLowerCase();
}

function withId(id: string | undefined, name: string | undefined): Principal | undefined {
  return id === undefined ? undefined : { id, name: name ?? id };
}
