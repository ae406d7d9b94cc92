import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodeContext } from '../../core/decoder.js';
import type { DecodeResult, VigilEvent } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { k8sauditDecoder } from './index.js';
import { entityKeys as keys } from '../../../test/support/events.js';

const ctx: DecodeContext = { origin: { path: 'test.json', line: 3 }, observedMs: 1_700_000_000_000 };

/** falco-k8s-audit-traces/k8s_audit/exec_pod.json, verbatim. */
const EXEC_POD = `{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""},"auditID":"ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6","kind":"Event","level":"Request","metadata":{"creationTimestamp":"2018-10-26T13:38:34Z"},"objectRef":{"apiVersion":"v1","name":"nginx-deployment-7998647bdf-phvq7","namespace":"default","resource":"pods","subresource":"exec"},"requestReceivedTimestamp":"2018-10-26T13:38:34.867116Z","requestURI":"/api/v1/namespaces/default/pods/nginx-deployment-7998647bdf-phvq7/exec?command=bash&container=nginx1&container=nginx1&stdin=true&stdout=true&tty=true","responseStatus":{"code":101,"metadata":{}},"sourceIPs":["192.168.99.1"],"stage":"ResponseStarted","stageTimestamp":"2018-10-26T13:38:34.902914Z","timestamp":"2018-10-26T13:38:34Z","user":{"groups":["system:masters","system:authenticated"],"username":"minikube-user"},"verb":"create"}`;

/** create_nginx_pod_privileged.json, with the parts the decoder does not read trimmed out. */
const CREATE_POD = `{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","metadata":{"creationTimestamp":"2018-10-25T14:09:12Z"},"level":"RequestResponse","timestamp":"2018-10-25T14:09:12Z","auditID":"a362d22b-db3c-4590-9505-23782f12925f","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create","user":{"username":"system:serviceaccount:kube-system:replicaset-controller","uid":"8d5e1349-d30f-11e8-96d9-080027728ac4","groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]},"sourceIPs":["::1"],"objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"nginx-deployment-5cdcc99dbf-","creationTimestamp":null},"spec":{"containers":[{"name":"nginx","image":"nginx","securityContext":{"privileged":true}}],"restartPolicy":"Always"},"status":{}},"responseObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"nginx-deployment-5cdcc99dbf-rgw6z","generateName":"nginx-deployment-5cdcc99dbf-","namespace":"default","uid":"8c845395-d85f-11e8-88b6-080027728ac4"},"spec":{"containers":[{"name":"nginx","image":"nginx","securityContext":{"privileged":true}}],"serviceAccountName":"default","serviceAccount":"default"},"status":{"phase":"Pending"}},"requestReceivedTimestamp":"2018-10-25T14:09:12.570541Z","stageTimestamp":"2018-10-25T14:09:12.581541Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"system:controller:replicaset-controller\\" of ClusterRole \\"system:controller:replicaset-controller\\" to ServiceAccount \\"replicaset-controller/kube-system\\""}}`;

/** panther eks-audit-rule-tests.jsonl line 9 (`p_*` enrichment removed): an IAM role session via EKS. */
const EKS_IAM = `{"annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}, "apiVersion": "audit.k8s.io/v1", "auditID": "35506555-dffc-4337-b2b1-c4af52b88e18", "kind": "Event", "level": "Request", "objectRef": {"apiVersion": "v1", "name": "kube-bench-drn4j", "namespace": "default", "resource": "pods", "subresource": "log"}, "requestReceivedTimestamp": "2022-11-29 00:09:04.38", "requestURI": "/api/v1/namespaces/default/pods/kube-bench-drn4j/log?container=kube-bench", "responseStatus": {"code": 200}, "sourceIPs": ["5.5.5.5"], "stage": "ResponseStarted", "stageTimestamp": "2022-11-29 00:09:04.392", "user": {"extra": {"accessKeyId": ["ASIARLIVEKVNN6Y6J5UW"], "arn": ["arn:aws:sts::123412341234:assumed-role/DevAdministrator/1669660343296132000"], "canonicalArn": ["arn:aws:iam::123412341234:role/DevAdministrator"], "sessionName": ["1669660343296132000"]}, "groups": ["system:masters", "system:authenticated"], "uid": "aws-iam-authenticator:123412341234:AROARLIVEKVNIRVGDLJWJ", "username": "kubernetes-admin"}, "userAgent": "kubectl/v1.25.4 (darwin/arm64) kubernetes/872a965", "verb": "get"}`;

/** panther eks-audit-rule-tests.jsonl line 10 (`p_*` removed): a pod-bound service account token. */
const EKS_POD_TOKEN = `{"annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}, "apiVersion": "audit.k8s.io/v1", "auditID": "e2626946-90e1-4d0c-829e-ad5a78572926", "kind": "Event", "level": "Metadata", "objectRef": {"apiGroup": "discovery.k8s.io", "apiVersion": "v1", "resource": "endpointslices"}, "requestReceivedTimestamp": "2022-11-29 22:34:06.892", "requestURI": "/apis/discovery.k8s.io/v1/endpointslices?allowWatchBookmarks=true&resourceVersion=2528212&timeout=5m56s&timeoutSeconds=356&watch=true", "responseStatus": {"code": 403}, "sourceIPs": ["10.0.27.115"], "stage": "ResponseComplete", "stageTimestamp": "2022-11-29 22:40:02.903", "user": {"extra": {"authentication_kubernetes_io_slash_pod-name": ["coredns-57ff979f67-bl27n"], "authentication_kubernetes_io_slash_pod-uid": ["5b9488ae-5563-42aa-850b-b0d82edb3e22"]}, "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"], "uid": "5e4461f9-f529-4e66-9343-0b0cc9452284", "username": "system:serviceaccount:kube-system:coredns"}, "userAgent": "Go-http-client/2.0", "verb": "watch"}`;

function parse(text: string): JsonObject {
  return JSON.parse(text) as JsonObject;
}

function decodeOk(record: JsonObject): VigilEvent {
  const r = k8sauditDecoder.decode(record, ctx);
  if (!r.ok) assert.fail(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

function decodeErr(record: JsonObject): { code: string; message: string; field?: string } {
  const r: DecodeResult = k8sauditDecoder.decode(record, ctx);
  if (r.ok || r.skip) return assert.fail(`expected a reject, got ${JSON.stringify(r)}`);
  return r;
}

function rel(e: VigilEvent): string[] {
  return e.relations.map((r) => `${r.from} ${r.kind} ${r.to}`);
}

function entity(e: VigilEvent, type: string, id: string) {
  const found = e.entities.find((x) => x.type === type && x.id === id);
  assert.ok(found, `no ${type}:${id} among ${keys(e).join(', ')}`);
  return found;
}

/** A minimal event with the given overrides (undefined deletes a member). */
function ev(over: Record<string, unknown>): JsonObject {
  const base: JsonObject = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: 'id-1',
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/api/v1/namespaces/default/secrets/db',
    user: { username: 'alice' },
    sourceIPs: ['10.0.0.5'],
    objectRef: { resource: 'secrets', namespace: 'default', name: 'db', apiVersion: 'v1' },
    stageTimestamp: '2024-05-01T10:00:00.123456Z',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

describe('k8saudit decode: real events', () => {
  it('exec_pod.json: the user, the pod in its namespace, the exec action', () => {
    const record = parse(EXEC_POD);
    const e = decodeOk(record);
    assert.equal(e.id, 'k8s-ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6-ResponseStarted');
    assert.equal(e.source, 'k8saudit');
    assert.equal(e.kind, 'audit');
    assert.equal(e.action, 'create pods/exec bash');
    assert.equal(e.time, '2018-10-26T13:38:34.902914Z');
    assert.equal(e.timeMs, Date.UTC(2018, 9, 26, 13, 38, 34, 902) + 0.914);
    assert.equal(e.observedMs, ctx.observedMs);
    assert.deepEqual(e.origin, ctx.origin);
    assert.equal(e.payload, record, 'the payload is the parsed record itself');
    assert.deepEqual(keys(e), [
      'ip:192.168.99.1',
      'k8s-object:pods/default/nginx-deployment-7998647bdf-phvq7',
      'k8s-user:minikube-user',
      'namespace:default',
      'pod:default/nginx-deployment-7998647bdf-phvq7',
    ]);
    assert.equal(entity(e, 'pod', 'default/nginx-deployment-7998647bdf-phvq7').name, 'nginx-deployment-7998647bdf-phvq7');
    assert.equal(entity(e, 'k8s-object', 'pods/default/nginx-deployment-7998647bdf-phvq7').name, 'nginx-deployment-7998647bdf-phvq7');
    assert.deepEqual(rel(e).sort(), [
      'k8s-object:pods/default/nginx-deployment-7998647bdf-phvq7 in-namespace namespace:default',
      'k8s-user:minikube-user from-ip ip:192.168.99.1',
      'k8s-user:minikube-user targets k8s-object:pods/default/nginx-deployment-7998647bdf-phvq7',
      'k8s-user:minikube-user targets pod:default/nginx-deployment-7998647bdf-phvq7',
      'pod:default/nginx-deployment-7998647bdf-phvq7 in-namespace namespace:default',
    ]);
  });

  it('create_nginx_pod_privileged.json: service-account actor, pod named by the response, image and account', () => {
    const e = decodeOk(parse(CREATE_POD));
    assert.equal(e.id, 'k8s-a362d22b-db3c-4590-9505-23782f12925f-ResponseComplete');
    assert.equal(e.action, 'create pods');
    assert.equal(e.time, '2018-10-25T14:09:12.581541Z');
    const actor = entity(e, 'k8s-serviceaccount', 'kube-system/replicaset-controller');
    assert.equal(actor.name, 'system:serviceaccount:kube-system:replicaset-controller');
    const pod = entity(e, 'pod', 'default/nginx-deployment-5cdcc99dbf-rgw6z');
    assert.equal(pod.name, 'nginx-deployment-5cdcc99dbf-rgw6z');
    entity(e, 'image', 'docker.io/library/nginx:latest');
    entity(e, 'k8s-serviceaccount', 'default/default');
    entity(e, 'ip', '::1');
    const r = rel(e);
    for (const want of [
      'k8s-serviceaccount:kube-system/replicaset-controller in-namespace namespace:kube-system',
      'k8s-serviceaccount:kube-system/replicaset-controller from-ip ip:::1',
      'k8s-serviceaccount:kube-system/replicaset-controller targets pod:default/nginx-deployment-5cdcc99dbf-rgw6z',
      'pod:default/nginx-deployment-5cdcc99dbf-rgw6z runs-image image:docker.io/library/nginx:latest',
      'pod:default/nginx-deployment-5cdcc99dbf-rgw6z runs-as k8s-serviceaccount:default/default',
      'pod:default/nginx-deployment-5cdcc99dbf-rgw6z in-namespace namespace:default',
    ]) {
      assert.ok(r.includes(want), `missing relation ${want}`);
    }
  });

  it('EKS: the IAM session behind the Kubernetes user, its role, key and account', () => {
    const e = decodeOk(parse(EKS_IAM));
    assert.equal(e.action, 'get pods/log');
    // Panther's zone-less timestamps are UTC.
    assert.equal(e.time, '2022-11-29T00:09:04.392Z');
    const session = 'arn:aws:sts::123412341234:assumed-role/DevAdministrator/1669660343296132000';
    assert.equal(entity(e, 'aws-principal', session).name, 'DevAdministrator/1669660343296132000');
    assert.equal(entity(e, 'aws-role', 'arn:aws:iam::123412341234:role/DevAdministrator').name, 'DevAdministrator');
    assert.deepEqual(entity(e, 'k8s-user', 'kubernetes-admin').attrs, { uid: 'aws-iam-authenticator:123412341234:AROARLIVEKVNIRVGDLJWJ' });
    const r = rel(e);
    for (const want of [
      `aws-principal:${session} acts-as k8s-user:kubernetes-admin`,
      `aws-principal:${session} member-of aws-account:123412341234`,
      `aws-principal:${session} assumes aws-role:arn:aws:iam::123412341234:role/DevAdministrator`,
      `aws-access-key:ASIARLIVEKVNN6Y6J5UW key-of aws-principal:${session}`,
      'k8s-user:kubernetes-admin targets pod:default/kube-bench-drn4j',
    ]) {
      assert.ok(r.includes(want), `missing relation ${want}`);
    }
  });

  it('EKS: a pod-bound token names the pod the request came from', () => {
    const e = decodeOk(parse(EKS_POD_TOKEN));
    assert.equal(e.action, 'watch endpointslices');
    entity(e, 'pod', 'kube-system/coredns-57ff979f67-bl27n');
    assert.ok(rel(e).includes('pod:kube-system/coredns-57ff979f67-bl27n runs-as k8s-serviceaccount:kube-system/coredns'));
    // A collection request (no name) targets no object.
    assert.equal(e.entities.filter((x) => x.type === 'k8s-object').length, 0);
  });
});

describe('k8saudit decode: entities', () => {
  it('impersonation: the real user acts-as the impersonated one, which targets the object', () => {
    const e = decodeOk(ev({ impersonatedUser: { username: 'system:serviceaccount:ci:deployer' } }));
    assert.deepEqual(rel(e).sort(), [
      'k8s-object:secrets/default/db in-namespace namespace:default',
      'k8s-serviceaccount:ci/deployer in-namespace namespace:ci',
      'k8s-serviceaccount:ci/deployer targets k8s-object:secrets/default/db',
      'k8s-user:alice acts-as k8s-serviceaccount:ci/deployer',
      'k8s-user:alice from-ip ip:10.0.0.5',
    ]);
  });

  it('cluster-scoped objects use `_`; a namespace object is also the namespace entity', () => {
    const role = decodeOk(ev({ objectRef: { resource: 'clusterroles', name: 'admin', apiGroup: 'rbac.authorization.k8s.io' } }));
    assert.deepEqual(entity(role, 'k8s-object', 'clusterroles/_/admin').attrs, { apiGroup: 'rbac.authorization.k8s.io' });
    assert.ok(!role.entities.some((x) => x.type === 'namespace'));
    const ns = decodeOk(ev({ verb: 'delete', objectRef: { resource: 'namespaces', namespace: 'foo', name: 'foo' } }));
    assert.deepEqual(keys(ns), ['ip:10.0.0.5', 'k8s-object:namespaces/_/foo', 'k8s-user:alice', 'namespace:foo']);
    assert.ok(rel(ns).includes('k8s-user:alice targets namespace:foo'));
  });

  it('source IPs: only real addresses, brackets stripped', () => {
    const e = decodeOk(ev({ sourceIPs: ['[fe80::1]', 'ec2.amazonaws.com', 7, '10.0.0.1', ''] }));
    assert.deepEqual(e.entities.filter((x) => x.type === 'ip').map((x) => x.id), ['fe80::1', '10.0.0.1']);
  });

  it('a patched pod runs the patched image; ephemeral containers and the node count too', () => {
    const patch = decodeOk(ev({
      verb: 'patch',
      objectRef: { resource: 'pods', namespace: 'prod', name: 'web' },
      requestObject: { spec: { containers: [{ name: 'web', image: 'evil.io/miner@sha256:abc' }] } },
    }));
    assert.deepEqual(entity(patch, 'image', 'evil.io/miner').attrs, { digest: 'sha256:abc' });
    assert.ok(rel(patch).includes('pod:prod/web runs-image image:evil.io/miner'));
    const eph = decodeOk(ev({
      verb: 'update',
      objectRef: { resource: 'pods', namespace: 'prod', name: 'web', subresource: 'ephemeralcontainers' },
      requestObject: { kind: 'Pod', spec: { nodeName: 'node-1', ephemeralContainers: [{ name: 'dbg', image: 'busybox:1.36' }] } },
    }));
    assert.equal(eph.action, 'update pods/ephemeralcontainers');
    assert.ok(rel(eph).includes('pod:prod/web runs-image image:docker.io/library/busybox:1.36'));
    assert.ok(rel(eph).includes('pod:prod/web runs-in node:node-1'));
    const bind = decodeOk(ev({
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'prod', name: 'web', subresource: 'binding' },
      requestObject: { kind: 'Binding', target: { kind: 'Node', name: 'node-2' } },
    }));
    assert.ok(rel(bind).includes('pod:prod/web runs-in node:node-2'));
  });

  it('a read of a pod does not claim its images', () => {
    const e = decodeOk(ev({
      objectRef: { resource: 'pods', namespace: 'prod', name: 'web' },
      responseObject: { kind: 'Pod', spec: { containers: [{ image: 'nginx' }] } },
    }));
    assert.ok(!e.entities.some((x) => x.type === 'image'));
  });

  it('a user without a username yields no actor but the event still decodes', () => {
    const e = decodeOk(ev({ user: {} }));
    assert.deepEqual(keys(e), ['ip:10.0.0.5', 'k8s-object:secrets/default/db', 'namespace:default']);
  });
});

describe('k8saudit decode: action, id and time', () => {
  it('exec command from repeated, URL-encoded command= parameters', () => {
    const e = decodeOk(ev({
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'd', name: 'p', subresource: 'exec' },
      requestURI: '/api/v1/namespaces/d/pods/p/exec?command=sh&command=-c&command=cat%20%2Fetc%2Fshadow&container=c&stdin=true',
    }));
    assert.equal(e.action, 'create pods/exec sh -c cat /etc/shadow');
    const bad = decodeOk(ev({
      objectRef: { resource: 'pods', namespace: 'd', name: 'p', subresource: 'exec' },
      requestURI: '/x?command=%E0%A4%A',
    }));
    assert.equal(bad.action, 'get pods/exec %E0%A4%A');
  });

  it('non-resource URLs: verb and path without the query', () => {
    assert.equal(decodeOk(ev({ objectRef: undefined, requestURI: '/healthz?verbose=1' })).action, 'get /healthz');
    assert.equal(decodeOk(ev({ objectRef: undefined, requestURI: undefined })).action, 'get');
    assert.equal(decodeOk(ev({ verb: undefined })).action, '(no verb) secrets');
  });

  it('ids: auditID and stage; auditID alone; a content hash without auditID', () => {
    assert.equal(decodeOk(ev({ stage: 'RequestReceived' })).id, 'k8s-id-1-RequestReceived');
    assert.equal(decodeOk(ev({ stage: undefined })).id, 'k8s-id-1');
    const a = decodeOk(ev({ auditID: undefined })).id;
    assert.match(a, /^k8s-[0-9a-f]{32}$/);
    assert.equal(decodeOk(ev({ auditID: undefined })).id, a, 'deterministic');
    assert.notEqual(decodeOk(ev({ auditID: undefined, verb: 'delete' })).id, a);
  });

  it('time: stageTimestamp, then requestReceivedTimestamp, then v1beta1 timestamp', () => {
    assert.equal(decodeOk(ev({})).time, '2024-05-01T10:00:00.123456Z');
    const rr = decodeOk(ev({ stageTimestamp: undefined, requestReceivedTimestamp: '2024-05-01T09:59:59.5+02:00' }));
    assert.equal(rr.time, '2024-05-01T07:59:59.5Z');
    assert.equal(rr.timeMs, Date.UTC(2024, 4, 1, 7, 59, 59, 500));
    assert.equal(decodeOk(ev({ stageTimestamp: null, timestamp: '2018-10-26T13:38:34Z' })).time, '2018-10-26T13:38:34Z');
  });

  it('time: missing, malformed or mistyped is TIME_INVALID naming the field', () => {
    assert.deepEqual(
      { ...decodeErr(ev({ stageTimestamp: undefined })), message: '' },
      { ok: false, skip: false, code: 'TIME_INVALID', message: '', field: 'stageTimestamp' },
    );
    const bad = decodeErr(ev({ stageTimestamp: '2024-13-01T00:00:00Z', requestReceivedTimestamp: '2024-05-01T10:00:00Z' }));
    assert.equal(bad.code, 'TIME_INVALID');
    assert.equal(bad.field, 'stageTimestamp');
    assert.match(bad.message, /2024-13-01/);
    assert.equal(decodeErr(ev({ stageTimestamp: undefined, requestReceivedTimestamp: 1700000000 })).field, 'requestReceivedTimestamp');
  });
});

describe('k8saudit decode: rejects', () => {
  const cases: [string, JsonObject, string, string | undefined][] = [
    ['fal_01_003.json {"kind": 0}', { kind: 0 }, 'FIELD_TYPE', 'kind'],
    ['an empty object', {}, 'RECORD_UNRECOGNISED', 'kind'],
    ['an EventList', { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] }, 'RECORD_UNRECOGNISED', 'kind'],
    ['another kind', ev({ kind: 'Policy' }), 'KIND_UNKNOWN', 'kind'],
    ['a core (events API) Event', ev({ apiVersion: 'v1' }), 'RECORD_UNRECOGNISED', 'apiVersion'],
    ['apiVersion of the wrong type', ev({ apiVersion: 1 }), 'FIELD_TYPE', 'apiVersion'],
    ['an unknown stage', ev({ stage: 'Done' }), 'KIND_UNKNOWN', 'stage'],
    ['stage of the wrong type', ev({ stage: 3 }), 'FIELD_TYPE', 'stage'],
    ['verb of the wrong type', ev({ verb: ['get'] }), 'FIELD_TYPE', 'verb'],
    ['auditID of the wrong type', ev({ auditID: {} }), 'FIELD_TYPE', 'auditID'],
    ['user not an object', ev({ user: 'alice' }), 'FIELD_TYPE', 'user'],
    ['user.username not a string', ev({ user: { username: 7 } }), 'FIELD_TYPE', 'user.username'],
    ['impersonatedUser.username not a string', ev({ impersonatedUser: { username: true } }), 'FIELD_TYPE', 'impersonatedUser.username'],
    ['objectRef an array', ev({ objectRef: [] }), 'FIELD_TYPE', 'objectRef'],
    ['objectRef.name not a string', ev({ objectRef: { resource: 'pods', name: ['x'] } }), 'FIELD_TYPE', 'objectRef.name'],
    ['sourceIPs a string', ev({ sourceIPs: '1.2.3.4' }), 'FIELD_TYPE', 'sourceIPs'],
  ];
  for (const [name, record, code, field] of cases) {
    it(name, () => {
      const r = decodeErr(record);
      assert.equal(r.code, code, r.message);
      assert.equal(r.field, field);
      assert.ok(r.message.length > 10);
    });
  }

  it('managed-cluster wrappers are named in the message', () => {
    const aks = decodeErr({ category: 'kube-audit', properties: { log: '{"kind":"Event"}' } });
    assert.equal(aks.code, 'RECORD_UNRECOGNISED');
    assert.match(aks.message, /AKS.*properties\.log/);
    const gke = decodeErr({ protoPayload: { serviceName: 'k8s.io' }, resource: { type: 'k8s_cluster' } });
    assert.match(gke.message, /GKE/);
  });

  it('null optional members read as absent', () => {
    const e = decodeOk(ev({ user: null, objectRef: null, sourceIPs: null, requestObject: null, annotations: null }));
    assert.deepEqual(e.entities, []);
    assert.equal(e.action, 'get /api/v1/namespaces/default/secrets/db');
  });

  it('no kind: an auditID/stage with a verb is still an audit event', () => {
    assert.equal(decodeOk(ev({ kind: undefined, apiVersion: undefined })).action, 'get secrets');
  });
});

describe('k8saudit detect', () => {
  it('accepts audit events of every version, and the kind-less triple', () => {
    assert.equal(k8sauditDecoder.detect(parse(EXEC_POD)), true);
    assert.equal(k8sauditDecoder.detect(parse(CREATE_POD)), true);
    assert.equal(k8sauditDecoder.detect(ev({})), true);
    assert.equal(k8sauditDecoder.detect(ev({ apiVersion: null })), true);
    assert.equal(k8sauditDecoder.detect({ auditID: 'a', verb: 'get', stage: 'ResponseComplete' }), true);
    assert.equal(k8sauditDecoder.detect({ kind: 'EventList', items: [] }), true);
  });

  it('refuses other formats and look-alikes', () => {
    const others: JsonObject[] = [
      { kind: 0 },
      {},
      { kind: 'Event', apiVersion: 'v1', involvedObject: {}, reason: 'BackOff' },
      { kind: 'EventList', apiVersion: 'v1', items: [] },
      { rule: 'Terminal shell in container', priority: 'Notice', output: 'x', output_fields: {}, time: '2024-01-01T00:00:00Z' },
      { process_exec: { process: {} }, node_name: 'n', time: '2024-01-01T00:00:00Z' },
      { eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: {} },
      { auditID: 'a', verb: 'get' },
      { auditID: 1, verb: 'get', stage: 'ResponseComplete' },
    ];
    for (const o of others) assert.equal(k8sauditDecoder.detect(o), false, JSON.stringify(o));
  });
});
