import { isIP } from 'node:net';
import { createEntity, EntitySet, namespacedId } from '../../core/entity.js';
import { isObject, obj, str, type JsonObject } from '../../core/json.js';
import { addAwsIdentity } from './aws.js';
import type { AuditView } from './fields.js';
import { addNamespace, addServiceAccount, addUser, extraValue, parseServiceAccount, userExtra } from './identity.js';
import { addPodSpec } from './podspec.js';

/** Bound on source IPs read: the client plus the proxies it came through. */
const MAX_SOURCE_IPS = 16;

/** `metadata.name` of a request/response body: the name of an object created with `generateName`. */
function bodyName(body: unknown): string | undefined {
  return isObject(body) ? str(obj(body, 'metadata'), 'name') : undefined;
}

/** The client addresses; only real IPs (IPv6 possibly bracketed) become entities. */
function addSourceIps(set: EntitySet, ips: readonly unknown[], actor: string | undefined): void {
  const n = Math.min(ips.length, MAX_SOURCE_IPS);
  for (let i = 0; i < n; i++) {
    const raw = ips[i];
    if (typeof raw !== 'string' || raw.length > 64) continue;
    const ip = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    if (isIP(ip) === 0) continue;
    set.relate(actor, 'from-ip', set.add(createEntity('ip', ip)));
  }
}

/**
 * A service account token bound to a pod (and, since Kubernetes 1.30, a node) says so in
 * `user.extra`: the request came from inside that pod, which runs as the account. This is what
 * joins an API call to the runtime events of the pod that made it.
 */
function addTokenPod(set: EntitySet, user: JsonObject | undefined, account: string | undefined): void {
  const extra = userExtra(user);
  const podName = extraValue(extra, 'authentication.kubernetes.io/pod-name', 'authentication_kubernetes_io_slash_pod-name');
  const username = str(user, 'username');
  const sa = username === undefined ? undefined : parseServiceAccount(username);
  if (podName === undefined || sa === undefined) return;
  const pod = set.add(createEntity('pod', namespacedId(sa.namespace, podName), podName));
  set.relate(pod, 'in-namespace', addNamespace(set, sa.namespace));
  set.relate(pod, 'runs-as', account);
  const node = extraValue(extra, 'authentication.kubernetes.io/node-name', 'authentication_kubernetes_io_slash_node-name');
  if (node !== undefined) set.relate(pod, 'runs-in', set.add(createEntity('node', node)));
}

/**
 * The Kubernetes entity an object reference stands for, beside its k8s-object: a pod (any
 * subresource: exec, attach, log... all act on the pod), a service account, a node or a
 * namespace. These are the keys runtime and identity events use, so the audit event joins them.
 */
function addAlias(set: EntitySet, ref: { resource: string; namespace: string | undefined; name: string }): string | undefined {
  const { resource, namespace, name } = ref;
  if (resource === 'pods') {
    const pod = set.add(createEntity('pod', namespacedId(namespace, name), name));
    if (namespace !== undefined) set.relate(pod, 'in-namespace', addNamespace(set, namespace));
    return pod;
  }
  if (resource === 'serviceaccounts' && namespace !== undefined) return addServiceAccount(set, namespace, name);
  if (resource === 'nodes') return set.add(createEntity('node', name));
  if (resource === 'namespaces') return addNamespace(set, name);
  return undefined;
}

/**
 * The object acted on: its namespace, and when it is named, the k8s-object
 * (`resource/namespace-or-_/name`) the actor `targets`. A `create` often has no name in its
 * objectRef (`generateName`), so the body's `metadata.name` is used; collection requests
 * (list, watch, deletecollection) name no object.
 */
function addTarget(set: EntitySet, record: JsonObject, view: AuditView, actor: string | undefined): void {
  const ref = view.objectRef;
  const resource = str(ref, 'resource');
  if (resource === undefined) return;
  const subresource = str(ref, 'subresource');
  // A namespace is cluster-scoped; its objectRef may repeat its own name as the namespace.
  const namespace = resource === 'namespaces' ? undefined : str(ref, 'namespace');
  const nsKey = namespace === undefined ? undefined : addNamespace(set, namespace);
  let name = str(ref, 'name');
  if (name === undefined && subresource === undefined && view.verb === 'create') {
    name = bodyName(record['requestObject']) ?? bodyName(record['responseObject']);
  }
  if (name === undefined) return;
  const attrs: Record<string, string> = {};
  const apiGroup = str(ref, 'apiGroup');
  const uid = str(ref, 'uid');
  if (apiGroup !== undefined) attrs['apiGroup'] = apiGroup;
  if (uid !== undefined) attrs['uid'] = uid;
  const object = set.add(createEntity('k8s-object', `${resource}/${namespace ?? '_'}/${name}`, name, attrs));
  set.relate(object, 'in-namespace', nsKey);
  set.relate(actor, 'targets', object);
  const alias = addAlias(set, { resource, namespace, name });
  set.relate(actor, 'targets', alias);
  if (resource === 'namespaces') set.relate(object, 'in-namespace', alias);
  if (resource === 'pods' && alias !== undefined) {
    addPodSpec(set, alias, namespace, { verb: view.verb, subresource, record });
  }
}

/**
 * All entities of one audit event. The requesting user is the one that connected (`from-ip`);
 * when it impersonates another, it `acts-as` that user, and the impersonated user is the actor
 * that `targets` the object, since authorization was decided for it.
 */
export function auditEntities(record: JsonObject, view: AuditView): EntitySet {
  const set = new EntitySet();
  const user = addUser(set, view.user);
  addAwsIdentity(set, userExtra(view.user), user);
  addTokenPod(set, view.user, user);
  const impersonated = addUser(set, view.impersonatedUser);
  set.relate(user, 'acts-as', impersonated);
  addSourceIps(set, view.sourceIPs, user);
  addTarget(set, record, view, impersonated ?? user);
  return set;
}
