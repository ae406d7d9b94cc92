import { createEntity, namespacedId, type EntitySet } from '../../core/entity.js';
import { isObject, str, type JsonObject } from '../../core/json.js';

const SA_PREFIX = 'system:serviceaccount:';

/** Adds the namespace entity and returns its key. */
export function addNamespace(set: EntitySet, namespace: string): string {
  return set.add(createEntity('namespace', namespace));
}

/**
 * Adds the service account `namespace/name` (named by its full username, the form audit logs
 * and RBAC subjects use), in its namespace, and returns its key.
 */
export function addServiceAccount(set: EntitySet, namespace: string, name: string): string {
  const key = set.add(createEntity('k8s-serviceaccount', namespacedId(namespace, name), `${SA_PREFIX}${namespace}:${name}`));
  set.relate(key, 'in-namespace', addNamespace(set, namespace));
  return key;
}

/** `system:serviceaccount:NS:NAME` split into its namespace and name, when well formed. */
export function parseServiceAccount(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const rest = username.slice(SA_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}

/**
 * The entity of an audit `user` / `impersonatedUser` object: a service account when the
 * username says so (so it joins pods that run as it), else a k8s-user keyed by username.
 * Returns the key, or undefined when there is no username.
 */
export function addUser(set: EntitySet, user: JsonObject | undefined): string | undefined {
  const username = str(user, 'username');
  if (username === undefined) return undefined;
  const sa = parseServiceAccount(username);
  if (sa !== undefined) return addServiceAccount(set, sa.namespace, sa.name);
  const uid = str(user, 'uid');
  return set.add(createEntity('k8s-user', username, username, uid === undefined ? undefined : { uid }));
}

/**
 * The first string of a `user.extra` member. Kubernetes writes extra values as string arrays;
 * Panther re-exports flatten `.` and `/` in the keys (`authentication_kubernetes_io_slash_pod-name`),
 * so both spellings are looked up.
 */
export function extraValue(extra: JsonObject | undefined, key: string, flattened?: string): string | undefined {
  if (extra === undefined) return undefined;
  let v = extra[key];
  if (v === undefined && flattened !== undefined) v = extra[flattened];
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

/** `user.extra` as an object, when present. */
export function userExtra(user: JsonObject | undefined): JsonObject | undefined {
  const extra = user?.['extra'];
  return isObject(extra) ? extra : undefined;
}
