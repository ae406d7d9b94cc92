/**
 * Benign Kubernetes API traffic: kubelets renew their node leases and read what their pods
 * mount, controllers and the scheduler renew theirs and watch, the CNI agent reads nodes, the CI
 * identity rolls out new versions a few times per working day, and admins look around.
 */

import type { Random } from '../../core/random.js';
import { activityAt, type Emission, type Generator } from '../emit.js';
import type { Environment, K8sIdentity } from '../model.js';
import { auditEvent, type AuditRequest } from '../records/k8saudit.js';

export const AUDIT_STREAM = 'kube-apiserver-audit';

function serviceAccount(namespace: string, name: string, ip: string): K8sIdentity {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    userAgent: `${name}/v0.0.0 (linux/amd64) kubernetes/$Format`,
    sourceIps: [ip],
    hours: [0, 24],
    weekends: true,
  };
}

export function k8sBenign(env: Environment, random: Random, scale: number): Generator {
  const r = random.fork('k8saudit');
  const [controllerManager, scheduler] = env.controllers as [K8sIdentity, K8sIdentity];
  const kubelets = env.controllers.slice(2);
  const agents = env.pods.filter((p) => p.workload.kind === 'DaemonSet').map((p) => ({ pod: p, who: serviceAccount(p.workload.namespace, p.workload.serviceAccount, p.ip) }));
  const deployments = env.workloads.filter((w) => w.kind === 'Deployment');

  function push(out: Emission[], who: K8sIdentity, t: number, q: AuditRequest): void {
    out.push({ source: 'k8saudit', timeMs: t, stream: AUDIT_STREAM, record: auditEvent(r, who, t, q) });
  }

  function steady(from: number, to: number, perSecond: number, make: (t: number) => void): void {
    const n = r.poisson(perSecond * scale * ((to - from) / 1000));
    for (let i = 0; i < n; i++) make(from + r.next() * (to - from));
  }

  return {
    name: 'k8saudit',
    emit(from, to, out) {
      kubelets.forEach((k, i) => {
        const node = env.nodes[i];
        if (node === undefined) return;
        steady(from, to, 0.1, (t) => push(out, k, t, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-node-lease', name: node.name }));
        steady(from, to, 0.15, (t) => {
          const pod = r.pick(env.pods.filter((p) => p.node === node));
          if (pod === undefined) return;
          if (r.chance(0.5)) push(out, k, t, { verb: 'get', resource: 'pods', namespace: pod.workload.namespace, name: pod.name });
          else push(out, k, t, { verb: 'patch', resource: 'pods', namespace: pod.workload.namespace, name: pod.name, subresource: 'status' });
        });
      });
      steady(from, to, 0.2, (t) => push(out, controllerManager, t, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-controller-manager' }));
      steady(from, to, 0.2, (t) => push(out, scheduler, t, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-scheduler' }));
      steady(from, to, 0.1, (t) => {
        const w = r.pick(deployments);
        push(out, controllerManager, t, { verb: 'get', resource: 'replicasets', group: 'apps', namespace: w.namespace, name: `${w.name}-7d9c6b5f4` });
      });
      steady(from, to, 0.05, (t) => {
        const a = r.pick(agents);
        if (a === undefined) return;
        push(out, a.who, t, a.pod.workload.name === 'aws-node'
          ? { verb: 'get', resource: 'nodes', name: a.pod.node.name }
          : { verb: 'watch', resource: 'endpointslices', group: 'discovery.k8s.io' });
      });
      // CI rollouts: about three per working day.
      steady(from, to, (3 / 36_000) * activityAt('office', from, [8, 18]), (t) => {
        const w = r.pick(deployments);
        push(out, env.ci, t, { verb: 'patch', resource: 'deployments', group: 'apps', namespace: w.namespace, name: w.name });
        push(out, controllerManager, t + 40, { verb: 'create', resource: 'replicasets', group: 'apps', namespace: w.namespace });
        // The rollout replaces a pod: created, bound by the scheduler, the old one deleted.
        const name = `${w.name}-${r.hex(10)}-${r.hex(5)}`;
        push(out, controllerManager, t + 90, { verb: 'create', resource: 'pods', namespace: w.namespace });
        push(out, scheduler, t + 95, { verb: 'create', resource: 'pods', namespace: w.namespace, name, subresource: 'binding' });
        const old = env.pods.find((p) => p.workload === w);
        if (old !== undefined) push(out, controllerManager, t + 160, { verb: 'delete', resource: 'pods', namespace: w.namespace, name: old.name });
      });
      // Admins reading state during their hours.
      for (const a of env.admins) {
        steady(from, to, 0.004 * activityAt('office', from, a.hours, a.weekends), (t) => {
          const pod = r.pick(env.pods);
          const q: AuditRequest = r.chance(0.6)
            ? { verb: 'list', resource: 'pods', namespace: pod.workload.namespace }
            : { verb: 'get', resource: 'pods', namespace: pod.workload.namespace, name: pod.name, subresource: 'log' };
          push(out, a, t, q);
        });
      }
    },
  };
}
