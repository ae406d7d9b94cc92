import { createEntity, type EntitySet } from '../../core/entity.js';
import type { JsonObject } from '../../core/json.js';
import { extraValue } from './identity.js';

/** `arn:PARTITION:sts|iam::ACCOUNT:RESOURCE`, the identity ARNs EKS writes into `user.extra`. */
const IDENTITY_ARN = /^arn:(aws[a-z-]*):(sts|iam)::(\d{12}):([^\s]{1,512})$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
/** The k8s-user entity key of a kubelet: `k8s-user:system:node:NODE`. */
const KUBELET = 'k8s-user:system:node:';

/** The role session's parts of an `assumed-role/ROLE/SESSION` resource. */
function assumedRole(resource: string): { role: string; session: string } | undefined {
  if (!resource.startsWith('assumed-role/')) return undefined;
  const rest = resource.slice('assumed-role/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { role: rest.slice(0, slash), session: rest.slice(slash + 1) };
}

/**
 * The AWS identity behind an EKS user. EKS authenticates IAM principals and records who they
 * are in `user.extra` (`arn`, `canonicalArn`, `accessKeyId`); naming them with the CloudTrail
 * conventions lets a cluster action join the AWS activity of the same session or key. The
 * principal `acts-as` the Kubernetes user it is mapped to. A node's session is named after its
 * EC2 instance, so that instance is added too.
 */
export function addAwsIdentity(set: EntitySet, extra: JsonObject | undefined, k8sUser: string | undefined): void {
  const arn = extraValue(extra, 'arn');
  const m = arn === undefined ? null : IDENTITY_ARN.exec(arn);
  if (arn === undefined || m === null) return;
  const [, partition = 'aws', service, account = '', resource = ''] = m;
  const session = service === 'sts' ? assumedRole(resource) : undefined;
  let principalName = resource.slice(resource.lastIndexOf('/') + 1);
  if (session !== undefined) principalName = `${session.role}/${session.session}`;
  const principal = set.add(createEntity('aws-principal', arn, principalName));
  const accountKey = set.add(createEntity('aws-account', account));
  set.relate(principal, 'member-of', accountKey);
  set.relate(principal, 'acts-as', k8sUser);
  const key = extraValue(extra, 'accessKeyId');
  if (key !== undefined) set.relate(set.add(createEntity('aws-access-key', key)), 'key-of', principal);
  if (session === undefined) return;
  const canonical = extraValue(extra, 'canonicalArn');
  const roleArn = canonical?.startsWith(`arn:${partition}:iam::${account}:role/`) === true
    ? canonical
    : `arn:${partition}:iam::${account}:role/${session.role}`;
  const role = set.add(createEntity('aws-role', roleArn, session.role));
  set.relate(principal, 'assumes', role);
  set.relate(role, 'member-of', accountKey);
  if (INSTANCE_ID.test(session.session)) {
    const instance = set.add(createEntity('ec2-instance', session.session));
    set.relate(principal, 'session-of', instance);
    // A kubelet authenticates as its node's instance-role session: the audit log names the
    // node and its EC2 instance together, which joins runtime evidence (by node) with
    // CloudTrail evidence (by instance and role session).
    const node = k8sUser?.startsWith(KUBELET) === true ? k8sUser.slice(KUBELET.length) : undefined;
    if (node !== undefined && node !== '') set.relate(set.add(createEntity('node', node)), 'same-as', instance);
  }
}
