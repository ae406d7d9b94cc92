/**
 * Entities of a `k8s_audit` alert (any of the k8saudit plugins: self-hosted, EKS, GKE, AKS, OVH),
 * from the `ka.*` output fields. They follow the Kubernetes audit source's conventions, so an
 * alert joins the audit events and runtime events about the same user, object and pod. The
 * alert's `hostname` is where Falco runs, not a party to the request, so it is no entity here.
 */
import { type EntitySet, canonicalImage, createEntity, namespacedId } from '../../core/entity.js';
import type { JsonObject } from '../../core/json.js';
import { fieldList, fieldStr } from './fields.js';
import { ipAddress } from './net.js';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

const IMAGE_KEYS: readonly string[] = [
  'ka.req.pod.containers.image',
  'ka.req.pod.initContainers.image',
  'ka.req.pod.ephemeralContainers.image',
];

export function addK8sAuditEntities(set: EntitySet, f: JsonObject | undefined): void {
  const actor = addK8sUser(set, fieldStr(f, 'ka.user.name'));
  set.relate(actor, 'acts-as', addK8sUser(set, fieldStr(f, 'ka.impuser.name')));
  addTarget(set, f, actor);
  for (const key of IMAGE_KEYS) {
    for (const ref of fieldList(f, key)) {
      const image = canonicalImage(ref);
      if (image !== undefined) set.add(createEntity('image', image.id, undefined, image.digest === undefined ? undefined : { digest: image.digest }));
    }
  }
  for (const raw of fieldList(f, 'ka.sourceips')) {
    const ip = ipAddress(raw);
    if (ip !== undefined) set.relate(actor, 'from-ip', set.add(createEntity('ip', ip)));
  }
}

/**
 * A Kubernetes username as an entity: `system:serviceaccount:NS:NAME` is the service account
 * `NS/NAME` (in namespace NS), anything else a k8s-user keyed by the name.
 */
export function addK8sUser(set: EntitySet, username: string | undefined): string | undefined {
  if (username === undefined) return undefined;
  if (username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const rest = username.slice(SERVICE_ACCOUNT_PREFIX.length);
    const colon = rest.indexOf(':');
    if (colon > 0 && colon < rest.length - 1) {
      const ns = rest.slice(0, colon);
      const sa = set.add(createEntity('k8s-serviceaccount', `${ns}/${rest.slice(colon + 1)}`, username));
      set.relate(sa, 'in-namespace', set.add(createEntity('namespace', ns)));
      return sa;
    }
  }
  return set.add(createEntity('k8s-user', username));
}

/**
 * The object acted on. A create has no name in the request URI, so the name falls back to the
 * response object's (`ka.resp.name`). Pods also get the pod entity, which runtime events name.
 */
function addTarget(set: EntitySet, f: JsonObject | undefined, actor: string | undefined): void {
  const ns = fieldStr(f, 'ka.target.namespace');
  const resource = fieldStr(f, 'ka.target.resource');
  const name = fieldStr(f, 'ka.target.name') ?? fieldStr(f, 'ka.resp.name');
  const nsKey = ns === undefined ? undefined : set.add(createEntity('namespace', ns));
  if (resource === undefined || name === undefined) return;
  const sub = fieldStr(f, 'ka.target.subresource');
  const attrs: Record<string, string> = { resource };
  if (sub !== undefined) attrs['subresource'] = sub;
  const object = set.add(createEntity('k8s-object', `${resource}/${ns ?? '_'}/${name}`, name, attrs));
  set.relate(object, 'in-namespace', nsKey);
  set.relate(actor, 'targets', object);
  if (resource !== 'pods') return;
  const pod = set.add(createEntity('pod', namespacedId(ns, name), name));
  set.relate(pod, 'in-namespace', nsKey);
  set.relate(actor, 'targets', pod);
}
