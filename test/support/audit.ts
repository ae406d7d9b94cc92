/** A Kubernetes audit `get` of `resource` (`shop/x<n>` by alice), as the API server writes it. */
export function auditGet(n: number, resource: string, iso: string): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/shop/${resource}/x${n}`,
    verb: 'get',
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.9'],
    objectRef: { resource, namespace: 'shop', name: `x${n}`, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: iso,
    stageTimestamp: iso,
  };
}
