/**
 * Kubernetes audit events (`audit.k8s.io/v1`, stage `ResponseComplete`) as the API server's log
 * and webhook backends write them.
 */

import type { Random } from '../../core/random.js';
import type { K8sIdentity } from '../model.js';
import { isoMicros } from './time.js';

export interface AuditRequest {
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** API group, '' for core. */
  readonly group?: string;
  readonly version?: string;
  /** Query string for exec/attach (`command=sh&container=web&stdin=true&tty=true`). */
  readonly query?: string;
  readonly code?: number;
  readonly requestObject?: object;
  readonly responseObject?: object;
  /** Who (or what pod) is calling: overrides the identity's source IPs and agent. */
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** The authorizer's reason, when not the binding `bindingReason` assumes. */
  readonly reason?: string;
}

/**
 * The RBAC sentence the API server logs for an allowed request, naming the binding that most
 * plausibly allowed it for this identity.
 */
export function bindingReason(who: K8sIdentity): string {
  const u = who.username;
  if (who.groups.includes('system:masters')) return 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"';
  const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(u);
  if (sa !== null) {
    const [, ns, name] = sa as unknown as [string, string, string];
    return ns === 'kube-system'
      ? `RBAC: allowed by ClusterRoleBinding "system:controller:${name}" of ClusterRole "system:controller:${name}" to ServiceAccount "${name}/${ns}"`
      : `RBAC: allowed by RoleBinding "${name}" of Role "${name}" to ServiceAccount "${name}/${ns}"`;
  }
  if (u.startsWith('system:node:')) return 'RBAC: allowed by ClusterRoleBinding "system:node" of ClusterRole "system:node" to Group "system:nodes"';
  if (u.startsWith('system:')) return `RBAC: allowed by ClusterRoleBinding "${u}" of ClusterRole "${u}" to User "${u}"`;
  const group = who.groups.find((g) => !g.startsWith('system:'));
  return group === undefined
    ? `RBAC: allowed by ClusterRoleBinding "${u}-view" of ClusterRole "view" to User "${u}"`
    : `RBAC: allowed by ClusterRoleBinding "${group}" of ClusterRole "edit" to Group "${group}"`;
}

function requestUri(q: AuditRequest): string {
  const group = q.group ?? '';
  const base = group === '' ? `/api/${q.version ?? 'v1'}` : `/apis/${group}/${q.version ?? 'v1'}`;
  const ns = q.namespace === undefined ? '' : `/namespaces/${q.namespace}`;
  const name = q.name === undefined ? '' : `/${q.name}`;
  const sub = q.subresource === undefined ? '' : `/${q.subresource}`;
  const query = q.query !== undefined ? `?${q.query}` : q.verb === 'list' || q.verb === 'watch' ? `?limit=500${q.verb === 'watch' ? '&watch=true' : ''}` : '';
  return `${base}${ns}/${q.resource}${name}${sub}${query}`;
}

const REASONS: Readonly<Record<number, string>> = { 200: '', 201: '', 403: 'Forbidden', 404: 'NotFound', 409: 'AlreadyExists' };

export function auditEvent(r: Random, who: K8sIdentity, timeMs: number, q: AuditRequest): Record<string, unknown> {
  const code = q.code ?? (q.verb === 'create' ? 201 : 200);
  const hasBody = q.requestObject !== undefined || q.responseObject !== undefined;
  const objectRef: Record<string, unknown> = { resource: q.resource };
  if (q.namespace !== undefined) objectRef['namespace'] = q.namespace;
  if (q.name !== undefined) objectRef['name'] = q.name;
  if (q.group !== undefined && q.group !== '') objectRef['apiGroup'] = q.group;
  objectRef['apiVersion'] = q.version ?? 'v1';
  if (q.subresource !== undefined) objectRef['subresource'] = q.subresource;
  const status: Record<string, unknown> = { metadata: {}, code };
  if (code >= 400) {
    status['status'] = 'Failure';
    status['reason'] = REASONS[code] ?? 'Failure';
  }
  const decision = code === 403 ? 'forbid' : 'allow';
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: hasBody ? 'RequestResponse' : 'Metadata',
    auditID: r.uuid(),
    stage: 'ResponseComplete',
    requestURI: requestUri(q),
    verb: q.verb,
    user: { username: who.username, groups: who.groups, ...(who.extra === undefined ? {} : { extra: who.extra }) },
    sourceIPs: [q.sourceIp ?? r.pick(who.sourceIps)],
    userAgent: q.userAgent ?? who.userAgent,
    objectRef,
    responseStatus: status,
    ...(q.requestObject === undefined ? {} : { requestObject: q.requestObject }),
    ...(q.responseObject === undefined ? {} : { responseObject: q.responseObject }),
    requestReceivedTimestamp: isoMicros(timeMs),
    stageTimestamp: isoMicros(timeMs + 1 + r.next() * 40),
    annotations: { 'authorization.k8s.io/decision': decision, 'authorization.k8s.io/reason': q.reason ?? (decision === 'allow' ? bindingReason(who) : '') },
  };
}
