import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DecodeContext } from '../../core/decoder.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { k8sauditDecoder } from './index.js';
import { assertWellFormedResult } from './testing.js';

const ctx: DecodeContext = { origin: { path: 'fuzz', line: 1 }, observedMs: 0 };

/** Real corpus events (trimmed), the seeds that mutations start from. */
const SEEDS: readonly string[] = [
  // falco k8s_audit/exec_pod.json
  `{"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""},"auditID":"ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6","kind":"Event","level":"Request","objectRef":{"apiVersion":"v1","name":"nginx-deployment-7998647bdf-phvq7","namespace":"default","resource":"pods","subresource":"exec"},"requestReceivedTimestamp":"2018-10-26T13:38:34.867116Z","requestURI":"/api/v1/namespaces/default/pods/nginx-deployment-7998647bdf-phvq7/exec?command=bash&container=nginx1&stdin=true&stdout=true&tty=true","responseStatus":{"code":101,"metadata":{}},"sourceIPs":["192.168.99.1"],"stage":"ResponseStarted","stageTimestamp":"2018-10-26T13:38:34.902914Z","timestamp":"2018-10-26T13:38:34Z","user":{"groups":["system:masters","system:authenticated"],"username":"minikube-user"},"verb":"create"}`,
  // falco k8s_audit/create_nginx_pod_privileged.json (trimmed)
  `{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","level":"RequestResponse","timestamp":"2018-10-25T14:09:12Z","auditID":"a362d22b-db3c-4590-9505-23782f12925f","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create","user":{"username":"system:serviceaccount:kube-system:replicaset-controller","uid":"8d5e1349-d30f-11e8-96d9-080027728ac4","groups":["system:serviceaccounts"]},"sourceIPs":["::1"],"objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"nginx-deployment-5cdcc99dbf-"},"spec":{"containers":[{"name":"nginx","image":"nginx","securityContext":{"privileged":true}}],"nodeName":"minikube"}},"responseObject":{"kind":"Pod","metadata":{"name":"nginx-deployment-5cdcc99dbf-rgw6z","namespace":"default"},"spec":{"containers":[{"name":"nginx","image":"nginx"}],"serviceAccountName":"default"}},"requestReceivedTimestamp":"2018-10-25T14:09:12.570541Z","stageTimestamp":"2018-10-25T14:09:12.581541Z"}`,
  // panther eks-audit-rule-tests.jsonl line 9 (p_* removed), with an impersonated user added
  `{"apiVersion":"audit.k8s.io/v1","auditID":"35506555-dffc-4337-b2b1-c4af52b88e18","kind":"Event","level":"Request","objectRef":{"apiVersion":"v1","name":"kube-bench-drn4j","namespace":"default","resource":"pods","subresource":"log"},"requestReceivedTimestamp":"2022-11-29 00:09:04.38","requestURI":"/api/v1/namespaces/default/pods/kube-bench-drn4j/log?container=kube-bench","responseStatus":{"code":200},"sourceIPs":["5.5.5.5"],"stage":"ResponseStarted","stageTimestamp":"2022-11-29 00:09:04.392","user":{"extra":{"accessKeyId":["ASIARLIVEKVNN6Y6J5UW"],"arn":["arn:aws:sts::123412341234:assumed-role/DevAdministrator/1669660343296132000"],"canonicalArn":["arn:aws:iam::123412341234:role/DevAdministrator"],"authentication.kubernetes.io/pod-name":["p"]},"uid":"aws-iam-authenticator:123412341234:AROARLIVEKVNIRVGDLJWJ","username":"kubernetes-admin"},"impersonatedUser":{"username":"system:serviceaccount:ns:sa"},"userAgent":"kubectl/v1.25.4","verb":"get"}`,
];

type Mutation =
  | { readonly op: 'delete' }
  | { readonly op: 'replace'; readonly value: unknown }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'null' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ op: 'delete' }),
  fc.constant<Mutation>({ op: 'null' }),
  fc.nat({ max: 40 }).map((at): Mutation => ({ op: 'truncate', at })),
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant([]), fc.constant({}), fc.string()).map((value): Mutation => ({ op: 'replace', value })),
);

/** Every (object, key) slot of a record, depth-first, so a mutation can hit any nested member. */
function slots(o: unknown, out: [JsonObject | unknown[], string | number][] = []): [JsonObject | unknown[], string | number][] {
  if (Array.isArray(o)) {
    o.forEach((v, i) => {
      out.push([o, i]);
      slots(v, out);
    });
  } else if (isObject(o)) {
    for (const [k, v] of Object.entries(o)) {
      out.push([o, k]);
      slots(v, out);
    }
  }
  return out;
}

function applyMutation(record: JsonObject, pick: number, m: Mutation): JsonObject {
  const all = slots(record);
  const slot = all[pick % all.length];
  if (slot === undefined) return record;
  const [holder, key] = slot;
  const target = holder as Record<string | number, unknown>;
  if (m.op === 'delete') {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete target[key];
  } else if (m.op === 'null') {
    target[key] = null;
  } else if (m.op === 'truncate') {
    const v = target[key];
    if (typeof v === 'string') target[key] = v.slice(0, m.at);
  } else {
    target[key] = m.value;
  }
  return record;
}

function run(record: JsonObject): void {
  let detected = false;
  assert.doesNotThrow(() => {
    detected = k8sauditDecoder.detect(record);
  });
  assert.equal(typeof detected, 'boolean');
  const r = k8sauditDecoder.decode(record, ctx);
  assertWellFormedResult(r);
  assert.ok(r.ok || !r.skip, 'audit decoding never skips');
}

describe('k8saudit fuzz', () => {
  it('random JSON objects never throw, and failures carry a known code', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        if (isObject(v)) run(v);
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.object(), (o) => run(o as JsonObject)), { numRuns: 300 });
  });

  it('random values in the members the decoder reads', () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));
    const record = fc.record({
      kind: fc.oneof(fc.constant('Event'), anything),
      apiVersion: fc.oneof(fc.constant('audit.k8s.io/v1'), anything),
      auditID: anything,
      stage: fc.oneof(fc.constantFrom('ResponseComplete', 'Panic'), anything),
      verb: fc.oneof(fc.constant('create'), anything),
      requestURI: fc.oneof(fc.string().map((s) => `/api/v1/x?command=${s}`), anything),
      user: fc.oneof(fc.record({ username: fc.oneof(fc.string(), anything), extra: anything }), anything),
      impersonatedUser: anything,
      objectRef: fc.oneof(
        fc.record({ resource: fc.constantFrom('pods', 'namespaces', 'serviceaccounts', 'nodes'), name: fc.string(), namespace: anything, subresource: fc.oneof(fc.constantFrom('exec', 'binding', 'ephemeralcontainers'), anything) }),
        anything,
      ),
      requestObject: fc.oneof(fc.record({ spec: fc.record({ containers: anything, serviceAccountName: anything, nodeName: anything }), target: anything }), anything),
      responseObject: anything,
      sourceIPs: fc.oneof(fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())), anything),
      stageTimestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anything),
    });
    fc.assert(
      fc.property(record, (r) => {
        const o: JsonObject = {};
        for (const [k, v] of Object.entries(r)) if (v !== undefined) o[k] = v;
        run(o);
      }),
      { numRuns: 800 },
    );
  });

  it('real events with a member deleted, nulled, truncated or replaced', () => {
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 4 }), (seed, muts) => {
        let record = JSON.parse(SEEDS[seed] ?? '{}') as JsonObject;
        for (const [pick, m] of muts) record = applyMutation(record, pick, m);
        run(record);
      }),
      { numRuns: 1000 },
    );
  });

  it('huge strings and deep bodies stay bounded', () => {
    const big = 'a'.repeat(2_000_000);
    const record = JSON.parse(SEEDS[0] ?? '{}') as JsonObject;
    record['requestURI'] = `/x?${'command=x&'.repeat(100_000)}`;
    record['sourceIPs'] = Array.from({ length: 100_000 }, () => '10.0.0.1');
    record['stageTimestamp'] = big;
    const started = performance.now();
    run(record);
    record['stageTimestamp'] = '2024-01-01T00:00:00Z';
    record['requestObject'] = { spec: { containers: Array.from({ length: 100_000 }, (_, i) => ({ image: `r/i${i}` })) } };
    record['verb'] = 'patch';
    const exec = k8sauditDecoder.decode(record, ctx);
    assert.ok(exec.ok);
    assert.ok(exec.event.action.length < 400, 'the exec command label is capped');
    record['objectRef'] = { resource: 'pods', namespace: 'default', name: 'web' };
    const pod = k8sauditDecoder.decode(record, ctx);
    assert.ok(pod.ok);
    const images = pod.event.entities.filter((x) => x.type === 'image').length;
    assert.equal(images, 64, 'containers read per list are capped');
    assert.ok(performance.now() - started < 500);
  });
});
