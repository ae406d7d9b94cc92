import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { DecodeContext } from '../../core/decoder.js';
import { isObject, type JsonObject } from '../../core/json.js';
// The corpus is read through the real file reader (lists, JSON lines, envelopes), as users run it.
import { decodeFiles } from '../../pipeline/decode-files.js';
import { corpusPath, requireCorpus } from '../../../test/support/corpus.js';
import { k8sauditDecoder } from './index.js';
import { assertEventInvariants, assertWellFormedResult } from './testing.js';

/**
 * Per trace file: events and errors, and the action of its events. Established with a Python
 * pass over the files (an object with kind "Event" and a string stageTimestamp is an event),
 * independently of the decoder.
 */
const TRACE_FILES: Record<string, { events: number; errors: number; action: string | undefined }> = {
  'anonymous_creates_namespace_foo.json': { events: 1, errors: 0, action: 'create namespaces' },
  'attach_cluster_admin_role.json': { events: 1, errors: 0, action: 'create clusterrolebindings' },
  'attach_pod.json': { events: 1, errors: 0, action: 'create pods/attach' },
  'create_cluster_role_pod_exec.json': { events: 1, errors: 0, action: 'create clusterroles' },
  'create_cluster_role_wildcard_resources.json': { events: 1, errors: 0, action: 'create clusterroles' },
  'create_cluster_role_wildcard_verbs.json': { events: 1, errors: 0, action: 'create clusterroles' },
  'create_cluster_role_write_privileges.json': { events: 1, errors: 0, action: 'create clusterroles' },
  'create_clusterrole.json': { events: 1, errors: 0, action: 'create clusterroles' },
  'create_clusterrolebinding.json': { events: 1, errors: 0, action: 'create clusterrolebindings' },
  'create_configmap.json': { events: 1, errors: 0, action: 'create configmaps' },
  'create_configmap_no_sensitive_values.json': { events: 1, errors: 0, action: 'create configmaps' },
  'create_configmap_sensitive_values.json': { events: 6, errors: 0, action: 'create configmaps' },
  'create_deployment.json': { events: 1, errors: 0, action: 'create deployments' },
  'create_kube_system_secret.json': { events: 1, errors: 0, action: 'create secrets' },
  'create_nginx_pod_hostnetwork.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_nohostnetwork.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_privileged.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_privileged_2nd_container.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_sensitive_mount.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_sensitive_mount_2nd_container.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_unprivileged.json': { events: 1, errors: 0, action: 'create pods' },
  'create_nginx_pod_unsensitive_mount.json': { events: 1, errors: 0, action: 'get pods' },
  'create_nginx_service_nodeport.json': { events: 1, errors: 0, action: 'create services' },
  'create_nginx_service_nonodeport.json': { events: 1, errors: 0, action: 'create services' },
  'create_pod_kube_public_namespace.json': { events: 1, errors: 0, action: 'create pods' },
  'create_pod_kube_system_namespace.json': { events: 1, errors: 0, action: 'create pods' },
  'create_secret.json': { events: 1, errors: 0, action: 'create secrets' },
  'create_service.json': { events: 1, errors: 0, action: 'create services' },
  'create_service_account_token_secret.json': { events: 1, errors: 0, action: 'create secrets' },
  'create_serviceaccount.json': { events: 1, errors: 0, action: 'create serviceaccounts' },
  'create_serviceaccount_kube_public_namespace.json': { events: 1, errors: 0, action: 'create serviceaccounts' },
  'create_serviceaccount_kube_system_namespace.json': { events: 1, errors: 0, action: 'create serviceaccounts' },
  'delete_cluster_role_kube_aggregator.json': { events: 1, errors: 0, action: 'delete clusterroles' },
  'delete_clusterrole.json': { events: 1, errors: 0, action: 'delete clusterroles' },
  'delete_clusterrolebinding.json': { events: 1, errors: 0, action: 'delete clusterrolebindings' },
  'delete_configmap.json': { events: 1, errors: 0, action: 'delete configmaps' },
  'delete_deployment.json': { events: 1, errors: 0, action: 'delete deployments' },
  'delete_namespace_foo.json': { events: 1, errors: 0, action: 'delete namespaces' },
  'delete_secret.json': { events: 1, errors: 0, action: 'delete secrets' },
  'delete_service.json': { events: 1, errors: 0, action: 'delete services' },
  'delete_serviceaccount.json': { events: 1, errors: 0, action: 'delete serviceaccounts' },
  'exec_pod.json': { events: 1, errors: 0, action: 'create pods/exec bash' },
  'fal_01_003.json': { events: 0, errors: 1, action: undefined },
  'minikube_creates_namespace_foo.json': { events: 1, errors: 0, action: 'create namespaces' },
  'modify_cluster_role_node_problem_detector.json': { events: 1, errors: 0, action: 'patch clusterroles' },
  'some-user_creates_namespace_foo.json': { events: 1, errors: 0, action: 'create namespaces' },
};

const TRACE_DIRS = ['falco-k8s-audit-traces/k8s_audit', 'falco/plugins/k8saudit/testdata/events'];
const ctx: DecodeContext = { origin: { path: 'panther', line: 0 }, observedMs: 0 };

/** The `log` member of each Panther unit test, the event under test. */
function pantherLogs(file: string): JsonObject[] {
  const lines = readFileSync(corpusPath(`panther-analysis-tests/${file}`), 'utf8').split('\n');
  return lines.filter((l) => l.trim() !== '').map((l) => {
    const test: unknown = JSON.parse(l);
    assert.ok(isObject(test) && isObject(test['log']));
    return test['log'];
  });
}

/** Decodes one record; counts the outcome under `label outcome`. */
function tally(counts: Record<string, number>, label: string, record: JsonObject): void {
  const r = k8sauditDecoder.decode(record, ctx);
  assertWellFormedResult(r);
  const outcome = r.ok ? 'event' : r.skip ? 'skip' : r.code;
  const key = `${label} ${outcome}`;
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The record with a stageTimestamp, for hand-written tests that carry no time. */
function withTime(record: JsonObject): JsonObject {
  return record['stageTimestamp'] === undefined && record['requestReceivedTimestamp'] === undefined
    ? { ...record, stageTimestamp: '2024-01-01T00:00:00Z' }
    : record;
}

/** Panther's AKS records carry the audit event as JSON text in `properties.log`. */
function aksInner(record: JsonObject): JsonObject | undefined {
  const props = record['properties'];
  const text = isObject(props) ? props['log'] : undefined;
  if (typeof text !== 'string') return undefined;
  const inner: unknown = JSON.parse(text);
  return isObject(inner) ? inner : undefined;
}

describe('k8saudit corpus: Falco trace files', () => {
  for (const dir of TRACE_DIRS) {
    it(`${dir}: events, errors and actions per file`, async (t) => {
      if (!requireCorpus(t)) return;
      assert.deepEqual(readdirSync(corpusPath(dir)).filter((f) => f.endsWith('.json')).sort(), Object.keys(TRACE_FILES).sort());
      let events = 0;
      for (const [file, want] of Object.entries(TRACE_FILES)) {
        const got = await decodeFiles([corpusPath(`${dir}/${file}`)]);
        assert.equal(got.events.length, want.events, `${file} events`);
        assert.equal(got.errors.length, want.errors, `${file} errors: ${JSON.stringify(got.errors)}`);
        for (const e of got.events) {
          assertEventInvariants(e);
          assert.equal(e.action, want.action, file);
        }
        events += got.events.length;
      }
      assert.equal(events, 51);
    });
  }

  it('fal_01_003.json ({"kind": 0}) is reported as an error, auto-detected or forced', async (t) => {
    if (!requireCorpus(t)) return;
    const path = corpusPath('falco-k8s-audit-traces/k8s_audit/fal_01_003.json');
    // auto: no format claims it; forced: the audit decoder names the field at fault
    for (const [format, code] of [['auto', 'RECORD_UNRECOGNISED'], ['k8saudit', 'FIELD_TYPE']] as const) {
      const got = await decodeFiles([path], { format });
      assert.equal(got.events.length, 0);
      assert.equal(got.errors.length, 1);
      assert.equal(got.errors[0]?.code, code);
      assert.equal(got.errors[0]?.line, 1);
    }
    const direct = k8sauditDecoder.decode(JSON.parse(readFileSync(path, 'utf8')) as JsonObject, ctx);
    assert.deepEqual(direct.ok || direct.skip ? undefined : [direct.code, direct.field], ['FIELD_TYPE', 'kind']);
  });

  it('all_events.jsonl: 51 events, the same ones as the trace files', async (t) => {
    if (!requireCorpus(t)) return;
    const got = await decodeFiles([corpusPath('falco/plugins/k8saudit/testdata/all_events.jsonl')]);
    assert.equal(got.events.length, 51);
    assert.deepEqual(got.errors, []);
    for (const e of got.events) assertEventInvariants(e);
    // Two pairs of trace files are edited copies of one event and keep its auditID.
    assert.equal(new Set(got.events.map((e) => e.id)).size, 49);
    const exec = got.events.find((e) => e.action === 'create pods/exec bash');
    assert.ok(exec);
    assert.ok(exec.entities.some((x) => x.type === 'pod' && x.id === 'default/nginx-deployment-7998647bdf-phvq7'));
    const pods = got.events.filter((e) => e.action === 'create pods');
    assert.equal(pods.length, 10);
    for (const e of pods) {
      assert.ok(e.entities.some((x) => x.type === 'image' && x.id === 'docker.io/library/nginx:latest'), e.id);
      assert.ok(e.relations.some((r) => r.kind === 'runs-as' && r.from.startsWith('pod:')), e.id);
    }
  });
});

describe('k8saudit corpus: Panther rule tests (each `log` decoded directly)', () => {
  it('k8s-audit-rule-tests.jsonl', (t) => {
    if (!requireCorpus(t)) return;
    const logs = pantherLogs('k8s-audit-rule-tests.jsonl');
    assert.equal(logs.length, 237);
    const counts: Record<string, number> = {};
    for (const log of logs) {
      const type = String(log['p_log_type']);
      tally(counts, type, log);
      if (type === 'Amazon.EKS.Audit') tally(counts, 'EKS+time', withTime(log));
      const inner = aksInner(log);
      if (inner !== undefined) {
        tally(counts, 'AKS-inner', inner);
        tally(counts, 'AKS-inner+time', withTime(inner));
      }
    }
    assert.deepEqual(counts, {
      // Hand-written EKS events: all but one carry no time at all.
      'Amazon.EKS.Audit event': 1,
      'Amazon.EKS.Audit TIME_INVALID': 167,
      // Given a time, every one decodes: nothing else they lack is required.
      'EKS+time event': 168,
      // AKS diagnostic records wrap the event as text (34; one has null properties); GKE entries
      // are Cloud Audit Logs, not audit.k8s.io Events.
      'Azure.MonitorActivity RECORD_UNRECOGNISED': 35,
      'AKS-inner TIME_INVALID': 34,
      'AKS-inner+time event': 34,
      'GCP.AuditLog RECORD_UNRECOGNISED': 34,
    });
  });

  it('eks-audit-rule-tests.jsonl', (t) => {
    if (!requireCorpus(t)) return;
    const logs = pantherLogs('eks-audit-rule-tests.jsonl');
    assert.equal(logs.length, 20);
    const counts: Record<string, number> = {};
    for (const log of logs) {
      tally(counts, 'raw', log);
      tally(counts, 'time', withTime(log));
    }
    // Four ELB health-check tests carry no time.
    assert.deepEqual(counts, { 'raw event': 16, 'raw TIME_INVALID': 4, 'time event': 20 });
  });
});
