/**
 * The k8saudit and json plugin fields on decoded audit events: the declared table against the
 * plugins' READMEs, concrete values on the Falco trace files, the plugins' edge cases on
 * hand-written events, and Falco's k8saudit rules evaluated with these fields.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { DecodeContext } from '../../core/decoder.js';
import { createEvent, type VigilEvent } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { compile, createFieldTable, FieldMemo, parse, type Expr, type FieldRef, type FieldValue, type Literal, type Operand, type Predicate, type Rhs } from '../../lang/index.js';
import { decodeFiles } from '../../pipeline/decode-files.js';
import { corpusPath, requireCorpus } from '../../../test/support/corpus.js';
import { k8sauditDecoder } from './index.js';
import { K8S_AUDIT_FIELDS } from './rule-fields.js';

const TABLE = createFieldTable(K8S_AUDIT_FIELDS);
const PLUGIN = 'falco/plugins/k8saudit';
const EVENTS = `${PLUGIN}/testdata/events`;
const RULES = `${PLUGIN}/rules/k8s_audit_rules.yaml`;
const ctx: DecodeContext = { origin: { path: 'test', line: 1 }, observedMs: 0 };

/** A field's value, the field written as in a condition: `ka.verb`, `ka.uri.param[command]`. */
function get(e: VigilEvent, ref: string): FieldValue | undefined {
  const open = ref.indexOf('[');
  const name = open < 0 ? ref : ref.slice(0, open);
  const found = TABLE.resolve(name);
  assert.ok(found !== undefined, `field ${name} resolves`);
  return found.spec.extract(e, open < 0 ? found.arg : ref.slice(open + 1, -1));
}

function holds(condition: string, e: VigilEvent): boolean {
  return compile(parse(condition), TABLE)(e);
}

/** The events of one trace file, decoded as users run it. */
async function traceEvents(file: string): Promise<readonly VigilEvent[]> {
  const got = await decodeFiles([corpusPath(`${EVENTS}/${file}`)]);
  assert.ok(got.events.length > 0, `${file} has events`);
  return got.events;
}

async function trace(file: string): Promise<VigilEvent> {
  return (await traceEvents(file))[0] as VigilEvent;
}

/** A hand-written audit event, decoded by the real decoder. */
function audit(members: JsonObject): VigilEvent {
  const r = k8sauditDecoder.decode(
    {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: '5d0c3f1e-0000-4000-8000-000000000001',
      stage: 'ResponseComplete',
      verb: 'create',
      requestURI: '/api/v1/namespaces/default/pods',
      objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
      stageTimestamp: '2024-05-01T10:00:00.123456789Z',
      ...members,
    },
    ctx,
  );
  assert.ok(r.ok, JSON.stringify(r));
  return r.event;
}

/** A pod create whose request object has this spec. */
function podCreate(spec: JsonObject): VigilEvent {
  return audit({ requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' }, spec } });
}

// ---- a stand-in for the rule loader: macros substituted, lists appended and expanded

interface LoadedRule {
  readonly name: string;
  readonly expr: Expr;
  readonly output: string;
}

/**
 * Loads rule files the way Falco does for the subset they use: a later macro replaces an earlier
 * one, `append: true` extends a list, and list names inside `in (...)` expand to their items
 * (recursively). No exceptions or overrides: the files read here have none.
 */
function loadRules(paths: readonly string[]): LoadedRule[] {
  const lists = new Map<string, string[]>();
  const macros = new Map<string, string>();
  const rules: { name: string; condition: string; output: string }[] = [];
  for (const p of paths) {
    const items = parseYaml(readFileSync(p, 'utf8')) as unknown;
    assert.ok(Array.isArray(items), p);
    for (const item of items as unknown[]) {
      if (!isObject(item)) continue;
      if (typeof item['list'] === 'string') {
        const values = (item['items'] as unknown[]).map(String);
        lists.set(item['list'], item['append'] === true ? [...(lists.get(item['list']) ?? []), ...values] : values);
      } else if (typeof item['macro'] === 'string') {
        macros.set(item['macro'], String(item['condition']));
      } else if (typeof item['rule'] === 'string' && typeof item['condition'] === 'string') {
        rules.push({ name: item['rule'], condition: item['condition'], output: String(item['output'] ?? '') });
      }
    }
  }
  const items = (name: string, seen: readonly string[]): string[] =>
    (lists.get(name) ?? []).flatMap((x) => (lists.has(x) && !seen.includes(x) ? items(x, [...seen, x]) : [x]));
  const literal = (value: string, span: Literal['span']): Literal => ({ kind: 'literal', value, quoted: true, span });
  const rhs = (r: Rhs): Rhs => {
    if (r.kind === 'listname' && lists.has(r.name)) return { kind: 'list', items: items(r.name, [r.name]).map((v) => literal(v, r.span)), span: r.span };
    if (r.kind !== 'list') return r;
    return { ...r, items: r.items.flatMap((i) => (i.kind === 'literal' && !i.quoted && lists.has(i.value) ? items(i.value, [i.value]).map((v) => literal(v, i.span)) : [i])) };
  };
  const expand = (e: Expr, depth: number): Expr => {
    assert.ok(depth < 50, 'macro recursion');
    switch (e.kind) {
      case 'and':
      case 'or':
        return { ...e, children: e.children.map((c) => expand(c, depth)) };
      case 'not':
        return { ...e, child: expand(e.child, depth) };
      case 'macro': {
        const m = macros.get(e.name);
        assert.ok(m !== undefined, `macro ${e.name} is defined`);
        return expand(parse(m), depth + 1);
      }
      case 'check':
        return e.rhs === undefined ? e : { ...e, rhs: rhs(e.rhs) };
    }
  };
  return rules.map((r) => ({ name: r.name, expr: expand(parse(r.condition), 0), output: r.output }));
}

/** Every field a condition reads, transformer arguments and `val()` included. */
function fieldRefs(e: Expr, out: FieldRef[] = []): FieldRef[] {
  const operand = (o: Operand): void => {
    if (o.kind === 'field') out.push(o);
    else for (const a of o.args) if (a.kind === 'field' || a.kind === 'transform') operand(a);
  };
  switch (e.kind) {
    case 'and':
    case 'or':
      for (const c of e.children) fieldRefs(c, out);
      break;
    case 'not':
      fieldRefs(e.child, out);
      break;
    case 'macro':
      break;
    case 'check':
      operand(e.lhs);
      if (e.rhs?.kind === 'val') out.push(e.rhs.field);
      else if (e.rhs?.kind === 'transform') operand(e.rhs);
      else if (e.rhs?.kind === 'list') for (const i of e.rhs.items) if (i.kind !== 'literal') operand(i);
      break;
  }
  return out;
}

/** `%field` and `%field[arg]` tokens of an output format. */
function outputRefs(output: string): { name: string; arg: string | undefined }[] {
  return [...output.matchAll(/%([a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)+)(?:\[([^\]]*)\])?/g)].map((m) => ({ name: m[1] as string, arg: m[2] }));
}

// ---- the table

describe('k8saudit field table', () => {
  it('declares exactly the fields of the k8saudit and json plugin READMEs, with their list and argument kinds', (t) => {
    if (!requireCorpus(t)) return;
    const readme = (path: string): string[][] => {
      const text = readFileSync(corpusPath(path), 'utf8');
      const table = text.slice(text.indexOf('<!-- README-PLUGIN-FIELDS -->'), text.indexOf('<!-- /README-PLUGIN-FIELDS -->'));
      return [...table.matchAll(/^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|/gm)].map((m) => [m[1] as string, m[2] as string, m[3] as string]);
    };
    const ARG: Record<string, string> = { None: '-', Index: 'optional', 'Key, Required': 'required' };
    const documented = [...readme(`${PLUGIN}/README.md`), ...readme('falco/plugins/json/README.md')].map(([name, type, arg]) => {
      assert.ok(type === 'string' || type === 'string (list)', `${name}: ${type}`);
      assert.ok(arg !== undefined && ARG[arg] !== undefined, `${name}: ${arg}`);
      return `${name} ${type === 'string (list)' ? 'list' : 'scalar'} ${ARG[arg]}`;
    });
    const declared = K8S_AUDIT_FIELDS.map((s) => {
      assert.equal(s.type, 'string', `${s.name}: every plugin field is a string`);
      return `${s.name} ${s.list === true ? 'list' : 'scalar'} ${s.arg ?? '-'}`;
    });
    assert.equal(documented.length, 106, '100 k8saudit fields and 6 json ones');
    assert.deepEqual([...declared].sort(), [...documented].sort());
  });

  it('resolves every field the k8saudit rule files read, in conditions and in %outputs, with the argument it needs', (t) => {
    if (!requireCorpus(t)) return;
    const files = [RULES, `${PLUGIN}/testdata/rules/engine_v4_k8s_audit_rules.yaml`, `${PLUGIN}/testdata/rules/single_rule_with_json_pointer.yaml`];
    const seen = new Set<string>();
    for (const file of files) {
      for (const item of parseYaml(readFileSync(corpusPath(file), 'utf8')) as JsonObject[]) {
        const refs: { name: string; arg: string | undefined }[] = [];
        if (typeof item['condition'] === 'string') refs.push(...fieldRefs(parse(item['condition'])).map((f) => ({ name: f.name, arg: f.arg })));
        if (typeof item['output'] === 'string') refs.push(...outputRefs(item['output']));
        for (const ref of refs) {
          const found = TABLE.resolve(ref.name);
          assert.ok(found !== undefined, `${file}: ${ref.name} resolves`);
          const arg = ref.arg ?? found.arg;
          if (found.spec.arg === 'required') assert.ok(arg !== undefined, `${ref.name} has its required argument`);
          if (arg !== undefined) assert.ok(found.spec.arg !== undefined, `${ref.name} takes an argument`);
          seen.add(ref.arg === undefined ? ref.name : `${ref.name}[${ref.arg}]`);
        }
      }
    }
    assert.ok(seen.has('ka.uri.param[command]') && seen.has('jevt.value[/requestObject/ephemeralContainers/0/image]') && seen.has('ka.req.volume.hostpath[/proc*]'));
    assert.equal(seen.size, 52);
  });

  it('compiles all 48 rules of k8s_audit_rules.yaml, macros and lists expanded', (t) => {
    if (!requireCorpus(t)) return;
    const memo = new FieldMemo();
    const rules = loadRules([corpusPath(RULES)]);
    assert.equal(rules.length, 48);
    for (const r of rules) assert.doesNotThrow(() => compile(r.expr, TABLE, { memo }), r.name);
  });
});

// ---- values on the Falco trace files

describe('k8saudit fields on the Falco trace files', () => {
  it('a privileged pod create', async (t) => {
    if (!requireCorpus(t)) return;
    const e = await trace('create_nginx_pod_privileged.json');
    assert.equal(get(e, 'ka.verb'), 'create');
    assert.equal(get(e, 'ka.target.resource'), 'pods');
    assert.equal(get(e, 'ka.target.namespace'), 'default');
    assert.equal(get(e, 'ka.auditid'), 'a362d22b-db3c-4590-9505-23782f12925f');
    assert.equal(get(e, 'ka.stage'), 'ResponseComplete');
    assert.equal(get(e, 'ka.user.name'), 'system:serviceaccount:kube-system:replicaset-controller');
    assert.deepEqual(get(e, 'ka.user.groups'), ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']);
    assert.equal(get(e, 'ka.auth.decision'), 'allow');
    assert.match(String(get(e, 'ka.auth.reason')), /^RBAC: allowed by ClusterRoleBinding/);
    assert.equal(get(e, 'ka.response.code'), '201', 'a JSON number comes out as its text');
    assert.equal(get(e, 'ka.resp.name'), 'nginx-deployment-5cdcc99dbf-rgw6z');
    assert.equal(get(e, 'ka.target.pod.name'), 'nginx-deployment-5cdcc99dbf-rgw6z');
    assert.deepEqual(get(e, 'ka.req.pod.containers.privileged'), ['true']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.image'), ['nginx']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.image.repository'), ['nginx']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.name'), ['nginx']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.image[0]'), ['nginx']);
    assert.equal(get(e, 'ka.req.pod.containers.image[1]'), undefined);
    assert.equal(get(e, 'ka.req.container.image'), 'nginx');
    assert.equal(get(e, 'ka.req.container.privileged'), 'true');
    assert.deepEqual(get(e, 'ka.req.pod.containers.eff_run_as_user'), ['0'], 'no uid anywhere: root');
    assert.deepEqual(get(e, 'ka.sourceips'), ['::1']);
    assert.equal(get(e, 'jevt.value[/stage]'), 'ResponseComplete');
    assert.equal(get(e, 'json.value[/objectRef/resource]'), 'pods');
    // stageTimestamp 2018-10-25T14:09:12.581541Z in epoch nanoseconds, all digits exact
    assert.equal(get(e, 'jevt.rawtime'), '1540476552581541000');
    assert.equal(get(e, 'json.rawtime'), get(e, 'jevt.rawtime'));
    assert.deepEqual(JSON.parse(String(get(e, 'jevt.obj'))), e.payload);
    assert.match(String(get(e, 'json.obj')), /^\{\n {2}"kind": "Event",\n/);
  });

  it('the privileged flag per container: unset ones are skipped, unprivileged ones read false', async (t) => {
    if (!requireCorpus(t)) return;
    const second = await trace('create_nginx_pod_privileged_2nd_container.json');
    assert.deepEqual(get(second, 'ka.req.pod.containers.privileged'), ['false', 'true']);
    assert.deepEqual(get(second, 'ka.req.pod.containers.privileged[1]'), ['true']);
    assert.deepEqual(get(second, 'ka.req.pod.containers.image'), ['nginx', 'mysql:latest']);
    assert.deepEqual(get(second, 'ka.req.pod.containers.image.repository'), ['nginx', 'mysql']);
    assert.equal(get(second, 'ka.req.container.privileged'), 'true');
    const noSecCtx = await trace('create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json');
    assert.deepEqual(get(noSecCtx, 'ka.req.pod.containers.privileged'), ['true']);
    assert.equal(get(noSecCtx, 'ka.req.pod.containers.privileged[0]'), undefined);
    const unprivileged = await trace('create_nginx_pod_unprivileged.json');
    assert.equal(get(unprivileged, 'ka.req.pod.containers.privileged'), undefined, 'no container sets it: missing');
    assert.equal(get(unprivileged, 'ka.req.container.privileged'), 'false');
  });

  it('host network, and its absence', async (t) => {
    if (!requireCorpus(t)) return;
    const host = await trace('create_nginx_pod_hostnetwork.json');
    assert.equal(get(host, 'ka.req.pod.host_network'), 'true', 'a JSON boolean comes out as its text');
    assert.equal(get(host, 'ka.req.container.host_network'), 'true');
    assert.equal(get(host, 'ka.req.pod.host_pid'), undefined);
    const none = await trace('create_nginx_pod_nohostnetwork.json');
    assert.equal(get(none, 'ka.req.pod.host_network'), undefined);
  });

  it('an exec into a pod: URI parameters, subresource, an empty annotation', async (t) => {
    if (!requireCorpus(t)) return;
    const e = await trace('exec_pod.json');
    assert.equal(get(e, 'ka.uri.param[command]'), 'bash');
    assert.equal(get(e, 'ka.uri.param[container]'), 'nginx1', 'the first of repeated parameters');
    assert.equal(get(e, 'ka.uri.param[tty]'), 'true');
    assert.equal(get(e, 'ka.uri.param[nope]'), undefined);
    assert.equal(get(e, 'ka.target.subresource'), 'exec');
    assert.equal(get(e, 'ka.target.name'), 'nginx-deployment-7998647bdf-phvq7');
    assert.equal(get(e, 'ka.target.pod.name'), undefined, 'only for requests on pods themselves');
    assert.equal(get(e, 'ka.stage'), 'ResponseStarted');
    assert.equal(get(e, 'ka.response.code'), '101');
    assert.equal(get(e, 'ka.auth.reason'), '', 'present and empty is not missing');
    assert.equal(get(e, 'ka.req.pod.containers.image'), undefined);
  });

  it('cluster roles: rules, their verbs and resources, per rule with an index', async (t) => {
    if (!requireCorpus(t)) return;
    const e = await trace('create_cluster_role_wildcard_verbs.json');
    const rules = get(e, 'ka.req.role.rules');
    assert.ok(Array.isArray(rules) && rules.length === 2);
    assert.deepEqual(JSON.parse(String(rules[0])), { apiGroups: [''], resources: ['pods'], verbs: ['*'] });
    assert.deepEqual(get(e, 'ka.req.role.rules.verbs'), ['*', 'get']);
    assert.deepEqual(get(e, 'ka.req.role.rules.verbs[0]'), ['*']);
    assert.deepEqual(get(e, 'ka.req.role.rules.verbs[1]'), ['get']);
    assert.equal(get(e, 'ka.req.role.rules.verbs[2]'), undefined);
    assert.deepEqual(get(e, 'ka.req.role.rules.resources'), ['pods']);
    assert.deepEqual(get(e, 'ka.req.role.rules.apiGroups'), ['']);
    assert.equal((get(e, 'ka.req.role.rules.nonResourceURLs') as readonly string[])[0], '/api');
    const exec = await trace('create_cluster_role_pod_exec.json');
    assert.ok((get(exec, 'ka.req.role.rules.resources') as readonly string[]).includes('pods/exec'));
  });

  it('bindings: role, subjects, subject names by kind', async (t) => {
    if (!requireCorpus(t)) return;
    const e = await trace('attach_cluster_admin_role.json');
    assert.equal(get(e, 'ka.req.binding.role'), 'cluster-admin');
    assert.deepEqual(get(e, 'ka.req.binding.subjects'), ['{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"minikube"}']);
    assert.deepEqual(get(e, 'ka.req.binding.subjects.user_names'), ['minikube']);
    assert.equal(get(e, 'ka.req.binding.subjects.group_names'), undefined);
    assert.equal(get(e, 'ka.req.binding.subjects.serviceaccount_names'), undefined);
    assert.equal(get(e, 'ka.req.binding.subject.has_name[cluster-admin]'), 'true');
  });

  it('services: type and ports', async (t) => {
    if (!requireCorpus(t)) return;
    const e = await trace('create_nginx_service_nodeport.json');
    assert.equal(get(e, 'ka.req.service.type'), 'NodePort');
    const ports = get(e, 'ka.req.service.ports');
    assert.ok(Array.isArray(ports) && ports.length === 1);
    assert.deepEqual(JSON.parse(String(ports[0])), { nodePort: 30080, port: 80, protocol: 'TCP', targetPort: 80 });
    assert.deepEqual(get(e, 'ka.req.service.ports[0]'), ports);
    assert.equal(get(e, 'ka.req.service.ports[1]'), undefined);
  });

  it('host path volumes, listed and tested by path or prefix', async (t) => {
    if (!requireCorpus(t)) return;
    const e = await trace('create_nginx_pod_sensitive_mount.json');
    assert.deepEqual(get(e, 'ka.req.pod.volumes.hostpath'), ['/etc']);
    assert.deepEqual(get(e, 'ka.req.pod.volumes.volume_type'), ['hostPath']);
    assert.equal(get(e, 'ka.req.volume.hostpath[/etc]'), 'true');
    assert.equal(get(e, 'ka.req.volume.hostpath[/et*]'), 'true');
    assert.equal(get(e, 'ka.req.volume.hostpath[/proc*]'), 'false');
    assert.equal(get(e, 'ka.req.volume.hostpath[/et]'), 'false', 'without `*` the path must match whole');
    const volumes = get(e, 'jevt.value[/requestObject/spec/volumes]');
    assert.deepEqual(JSON.parse(String(volumes)), (e.payload as { requestObject: { spec: { volumes: unknown } } }).requestObject.spec.volumes);
    assert.ok(!String(volumes).includes(' '), 'objects render as compact JSON');
  });

  it('configmaps: name and the data object as text, on each JSONL event', async (t) => {
    if (!requireCorpus(t)) return;
    const events = await traceEvents('create_configmap_sensitive_values.json');
    assert.equal(events.length, 6);
    for (const e of events) {
      const obj = String(get(e, 'ka.req.configmap.obj'));
      assert.deepEqual(JSON.parse(obj), (e.payload as { requestObject: { data: unknown } }).requestObject.data);
      assert.equal(get(e, 'ka.req.configmap.name'), get(e, 'ka.target.name'));
    }
  });

  it('missing values: absent paths, other resources, other sources', async (t) => {
    if (!requireCorpus(t)) return;
    const e = await trace('create_nginx_pod_unprivileged.json');
    for (const ref of [
      'ka.impuser.name',
      'ka.target.subresource',
      'ka.target.name',
      'ka.req.service.type',
      'ka.req.binding.role',
      'ka.req.role.rules',
      'ka.req.configmap.obj',
      'ka.req.pod.volumes.hostpath',
      'ka.req.pod.initContainers.image',
      'ka.req.pod.ephemeralContainers.privileged',
      'ka.req.pod.run_as_user',
      'ka.cluster.name',
      'ka.auth.openshift.decision',
      'ka.security.pod.violations',
      'ka.useragent',
      'jevt.value[/requestObject/spec/tls]',
      'json.value[/stage/deeper]',
      'ka.uri.param[command]',
    ]) {
      assert.equal(get(e, ref), undefined, ref);
    }
    // The same record presented as another source's event: no k8saudit field applies.
    const other = createEvent({ ...e, source: 'falco' }, () => ({ entities: [], relations: [] }));
    for (const spec of K8S_AUDIT_FIELDS) assert.equal(spec.extract(other, spec.arg === undefined ? undefined : '0'), undefined, spec.name);
  });
});

// ---- the plugins' semantics on hand-written events

describe('k8saudit fields: plugin semantics', () => {
  it('keeps the three container lists apart', () => {
    const e = podCreate({
      containers: [{ name: 'c', image: 'reg.example.com/c:1', securityContext: { privileged: false } }],
      initContainers: [{ name: 'i', image: 'reg.example.com/i:1', securityContext: { privileged: true } }],
      ephemeralContainers: [{ name: 'e', image: 'reg.example.com/e:1', securityContext: { privileged: true } }],
    });
    assert.deepEqual(get(e, 'ka.req.pod.containers.privileged'), ['false']);
    assert.deepEqual(get(e, 'ka.req.pod.initContainers.privileged'), ['true']);
    assert.deepEqual(get(e, 'ka.req.pod.ephemeralContainers.privileged'), ['true']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.image'), ['reg.example.com/c:1']);
    assert.deepEqual(get(e, 'ka.req.pod.initContainers.image.repository'), ['reg.example.com/i']);
    assert.deepEqual(get(e, 'ka.req.pod.ephemeralContainers.name'), ['e']);
    assert.equal(TABLE.resolve('ka.req.pod.ephemeralContainers.host_port'), undefined, 'ephemeral containers have no host_port field');
  });

  it('images: repository without tag or digest, index arguments, a container without image', () => {
    const e = podCreate({
      containers: [
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'registry.local:5000/team/app:1.2@sha256:abc' },
        { name: 'c', image: 'docker.io/library/redis:7' },
      ],
    });
    assert.deepEqual(get(e, 'ka.req.pod.containers.image.repository'), ['nginx', 'registry.local:5000/team/app', 'docker.io/library/redis']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.image[2]'), ['docker.io/library/redis:7']);
    assert.equal(get(e, 'ka.req.pod.containers.image[3]'), undefined);
    assert.equal(get(e, 'ka.req.pod.containers.image[01]'), undefined, 'Falco rejects leading zeros');
    assert.equal(get(e, 'ka.req.pod.containers.image[x]'), undefined);
    assert.equal(get(e, 'ka.req.container.image.repository'), 'nginx');
    // One container without an image makes the image list unavailable, as in the plugin.
    const partial = podCreate({ containers: [{ name: 'a', image: 'nginx' }, { name: 'b' }] });
    assert.equal(get(partial, 'ka.req.pod.containers.image'), undefined);
    assert.deepEqual(get(partial, 'ka.req.pod.containers.image[0]'), ['nginx']);
    assert.equal(get(podCreate({ containers: [] }), 'ka.req.pod.containers.image'), undefined, 'an empty list is missing');
    assert.equal(get(podCreate({ containers: [] }), 'ka.req.container.privileged'), 'false');
  });

  it('security context values, effective uid and gid, capabilities, host ports, command and args', () => {
    const e = podCreate({
      securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [3000, 3001] },
      containers: [
        {
          name: 'a',
          image: 'a',
          command: ['/bin/sh', '-c'],
          args: ['sleep', '10'],
          ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 443 }],
          securityContext: { runAsUser: 0, runAsGroup: 5, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false, procMount: 'Unmasked', capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } },
        },
        { name: 'b', image: 'b', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
      ],
    });
    assert.deepEqual(get(e, 'ka.req.pod.containers.run_as_user'), ['0']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.eff_run_as_user'), ['0', '1000'], 'the container value, else the pod value');
    assert.deepEqual(get(e, 'ka.req.pod.containers.eff_run_as_group'), ['5', '0'], 'no pod value: root');
    assert.equal(get(e, 'ka.req.pod.run_as_user'), '1000');
    assert.equal(get(e, 'ka.req.pod.run_as_group'), undefined);
    assert.equal(get(e, 'ka.req.pod.fs_group'), '2000');
    assert.deepEqual(get(e, 'ka.req.pod.supplemental_groups'), ['3000', '3001']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.allow_privilege_escalation'), ['true']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.read_only_fs'), ['false']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.proc_mount'), ['Unmasked']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.add_capabilities'), ['NET_ADMIN', 'SYS_TIME', 'SYS_ADMIN']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.add_capabilities[1]'), ['SYS_ADMIN']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.host_port'), ['8080', '443'], 'hostPort, else containerPort');
    assert.deepEqual(get(e, 'ka.req.pod.containers.command'), ['/bin/sh -c']);
    assert.deepEqual(get(e, 'ka.req.pod.containers.args'), ['sleep 10']);
    assert.equal(get(e, 'ka.req.pod.containers.args[1]'), undefined);
    assert.equal(get(podCreate({ containers: [{ name: 'a', image: 'a', args: ['x', 1] }] }), 'ka.req.pod.containers.args'), undefined, 'a non-string arg is a type error');
    assert.ok(holds('ka.req.pod.containers.add_capabilities intersects (SYS_ADMIN)', e));
  });

  it('volumes: types, flex drivers, the deprecated hostpath test', () => {
    const e = podCreate({
      containers: [{ name: 'a', image: 'a' }],
      volumes: [
        { name: 'token', secret: { secretName: 't' } },
        { name: 'sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } },
        { name: 'flex', flexVolume: { driver: 'example/lvm' } },
      ],
    });
    assert.deepEqual(get(e, 'ka.req.pod.volumes.volume_type'), ['secret', 'hostPath', 'flexVolume']);
    assert.deepEqual(get(e, 'ka.req.pod.volumes.volume_type[1]'), ['hostPath']);
    assert.deepEqual(get(e, 'ka.req.pod.volumes.hostpath'), ['/var/run/docker.sock']);
    assert.equal(get(e, 'ka.req.pod.volumes.hostpath[0]'), undefined, 'the first volume has no host path');
    assert.deepEqual(get(e, 'ka.req.pod.volumes.flexvolume_driver'), ['example/lvm']);
    assert.equal(get(e, 'ka.req.volume.hostpath[/var/run/docker.sock]'), 'true', 'any volume, not only the first');
    assert.equal(get(e, 'ka.req.volume.hostpath[/var/run*]'), 'true');
    assert.equal(get(e, 'ka.req.volume.hostpath[/proc*]'), 'false');
    assert.equal(get(podCreate({ containers: [] }), 'ka.req.volume.hostpath[/proc*]'), undefined, 'no volumes: missing');
  });

  it('renders JSON values as the plugins do: null, numbers, booleans, objects', () => {
    const e = audit({
      objectRef: { resource: 'pods', subresource: null, name: 'p' },
      responseStatus: { code: 403, reason: 'Forbidden', details: { kind: 'pods' } },
      annotations: { cluster_name: 'prod', 'pod-security.kubernetes.io/audit-violations': 'would violate "restricted"', 'authentication.openshift.io/decision': 'allow' },
      userAgent: 'kubectl/v1.29',
      user: { username: 'alice', groups: 'not-a-list' },
      impersonatedUser: { username: 'bob' },
      sourceIPs: ['10.0.0.1', '10.0.0.2'],
    });
    assert.equal(get(e, 'ka.target.subresource'), 'null', 'a JSON null leaf is a value');
    assert.equal(get(e, 'ka.response.code'), '403');
    assert.equal(get(e, 'ka.response.reason'), 'Forbidden');
    assert.equal(get(e, 'json.value[/responseStatus/details]'), '{"kind":"pods"}');
    assert.equal(get(e, 'ka.cluster.name'), 'prod');
    assert.equal(get(e, 'ka.security.pod.violations'), 'would violate "restricted"');
    assert.equal(get(e, 'ka.auth.openshift.decision'), 'allow');
    assert.equal(get(e, 'ka.useragent'), 'kubectl/v1.29');
    assert.equal(get(e, 'ka.impuser.name'), 'bob');
    assert.equal(get(e, 'ka.user.groups'), undefined, 'a list field over a non-array is missing');
    assert.deepEqual(get(e, 'ka.sourceips'), ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(get(e, 'ka.sourceips[1]'), ['10.0.0.2']);
    assert.ok(holds('ka.response.code >= 400 and ka.response.code startswith 4', e), 'string comparisons on the code');
  });

  it('JSON pointers: escapes, array indexes, inherited names', () => {
    const e = audit({ annotations: { 'authorization.k8s.io/decision': 'allow', 'a~b': 'tilde' }, requestObject: { items: ['x', { y: 1 }], constructor: 'own' } });
    assert.equal(get(e, 'jevt.value[/annotations/authorization.k8s.io~1decision]'), 'allow');
    assert.equal(get(e, 'jevt.value[/annotations/a~0b]'), 'tilde');
    assert.equal(get(e, 'jevt.value[/requestObject/items/0]'), 'x');
    assert.equal(get(e, 'jevt.value[/requestObject/items/1/y]'), '1');
    assert.equal(get(e, 'jevt.value[/requestObject/items/2]'), undefined);
    assert.equal(get(e, 'jevt.value[/requestObject/items/-1]'), undefined);
    assert.equal(get(e, 'jevt.value[/requestObject/items]'), '["x",{"y":1}]');
    assert.equal(get(e, 'jevt.value[stage]'), 'ResponseComplete', 'the leading slash is optional, as in the plugin');
    assert.equal(get(e, 'jevt.value[/requestObject/constructor]'), 'own');
    assert.equal(get(e, 'jevt.value[/annotations/constructor]'), undefined, 'never an inherited property');
    assert.equal(get(e, 'jevt.value[/annotations/__proto__]'), undefined);
    assert.equal(TABLE.resolve('json.value')?.spec.extract(e, ''), undefined, 'an empty pointer');
    // the json plugin's own test rule
    assert.ok(holds('jevt.value[/annotations/authorization.k8s.io~1decision] exists and not (jevt.value[/a~1~0b] exists)', e));
  });

  it('URI query parameters as Go parses them', () => {
    const at = (uri: string, key: string): FieldValue | undefined => get(audit({ requestURI: uri }), `ka.uri.param[${key}]`);
    assert.equal(at('/api/v1/pods/p/exec?command=ls+-la&command=x', 'command'), 'ls -la');
    assert.equal(at('/x?command=%2Fbin%2Fsh&a', 'command'), '/bin/sh');
    assert.equal(at('/x?a&b=1', 'a'), '', 'a key without value');
    assert.equal(at('/x?a=1#b=2', 'b'), undefined, 'the fragment is not the query');
    assert.equal(at('/x?a=1;b=2', 'a'), undefined, 'a ; separator makes Go reject the query');
    assert.equal(at('/x?a=%zz&b=2', 'b'), undefined, 'so does a malformed escape');
    assert.equal(at('/x', 'a'), undefined);
    assert.equal(at('/x?caf%C3%A9=1', 'café'), '1');
  });

  it('binding subjects by kind, namespaced service accounts', () => {
    const e = audit({
      objectRef: { resource: 'rolebindings', namespace: 'ns', name: 'rb', apiGroup: 'rbac.authorization.k8s.io' },
      requestObject: {
        roleRef: { kind: 'Role', name: 'reader' },
        subjects: [
          { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
          { kind: 'ServiceAccount', name: 'no-namespace' },
          { kind: 'Group', name: 'devs' },
          { kind: 'User', name: 'alice' },
          'not-an-object',
        ],
      },
    });
    assert.deepEqual(get(e, 'ka.req.binding.subjects.serviceaccount_names'), ['builder', 'no-namespace']);
    assert.deepEqual(get(e, 'ka.req.binding.subjects.serviceaccount_ns_names'), ['ci:builder']);
    assert.deepEqual(get(e, 'ka.req.binding.subjects.group_names'), ['devs']);
    assert.deepEqual(get(e, 'ka.req.binding.subjects.user_names'), ['alice']);
    assert.equal((get(e, 'ka.req.binding.subjects') as readonly string[])[4], 'not-an-object');
    assert.equal(get(e, 'ka.req.binding.role'), 'reader');
  });

  it('the pod name of the created pod, only for the pod resource itself', () => {
    const created = audit({ objectRef: { resource: 'pods', namespace: 'd', subresource: '' }, responseObject: { metadata: { name: 'web-1' } } });
    assert.equal(get(created, 'ka.target.pod.name'), 'web-1');
    const binding = audit({ objectRef: { resource: 'pods', namespace: 'd', subresource: 'binding' }, responseObject: { metadata: { name: 'web-1' } } });
    assert.equal(get(binding, 'ka.target.pod.name'), undefined);
    assert.equal(get(binding, 'ka.resp.name'), 'web-1');
  });

  it('raw time: epoch nanoseconds of the event time, every digit exact', () => {
    const at = (ts: string): FieldValue | undefined => get(audit({ stageTimestamp: ts }), 'jevt.rawtime');
    assert.equal(at('2024-05-01T10:00:00.123456789Z'), '1714557600123456789');
    assert.equal(at('2024-05-01T10:00:00Z'), '1714557600000000000');
    assert.equal(at('2024-05-01T10:00:00.5Z'), '1714557600500000000');
    assert.equal(at('2024-05-01T12:00:00.000001+02:00'), '1714557600000001000');
    assert.equal(at('1969-12-31T23:59:59.5Z'), '-500000000');
    assert.ok(holds('jevt.rawtime exists and not jevt.rawtime=0', audit({})));
  });
});

// ---- Falco's rules

describe('k8saudit rule conditions, macros expanded by hand', () => {
  const PRIVILEGED_IMAGES =
    'falcosecurity/falco, docker.io/falcosecurity/falco, public.ecr.aws/falcosecurity/falco, docker.io/calico/node, calico/node, docker.io/cloudnativelabs/kube-router, docker.io/docker/ucp-agent, docker.io/mesosphere/mesos-slave, docker.io/rook/toolbox, docker.io/sysdig/sysdig, gcr.io/google_containers/kube-proxy, gcr.io/google-containers/startup-script, gcr.io/projectcalico-org/node, gke.gcr.io/kube-proxy, gke.gcr.io/gke-metadata-server, gke.gcr.io/netd-amd64, gke.gcr.io/watcher-daemonset, gcr.io/google-containers/prometheus-to-sd, registry.k8s.io/ip-masq-agent-amd64, registry.k8s.io/kube-proxy, registry.k8s.io/prometheus-to-sd, quay.io/calico/node, sysdig/sysdig, registry.k8s.io/dns/k8s-dns-node-cache, mcr.microsoft.com/oss/kubernetes/kube-proxy';
  const KEVT = '(jevt.value[/stage] in ("ResponseComplete"))';
  const POD = 'ka.target.resource=pods and not ka.target.subresource exists';
  /** Create Privileged Pod */
  const PRIVILEGED_POD = `${KEVT} and ${POD} and ka.verb=create and (ka.req.pod.containers.privileged intersects (true) or ka.req.pod.initContainers.privileged intersects (true) or ka.req.pod.ephemeralContainers.privileged intersects (true)) and not ka.req.pod.containers.image.repository in (${PRIVILEGED_IMAGES})`;
  /** Attach/Exec Pod */
  const ATTACH_EXEC = '(jevt.value[/stage]=ResponseStarted) and ka.target.resource=pods and ka.target.subresource exists and (ka.verb=create or ka.verb=get) and ka.target.subresource in (exec,attach) and not ((jevt.rawtime=0))';
  /** Create Sensitive Mount Pod (image allow-list shortened: none of its entries runs in the traces) */
  const SENSITIVE_MOUNT = `${KEVT} and ${POD} and ka.verb=create and (ka.req.pod.volumes.hostpath intersects (/proc, /var/run/docker.sock, /, /etc, /root, /var/run/crio/crio.sock, /run/containerd/containerd.sock, /home/admin, /var/lib/kubelet, /var/lib/kubelet/pki, /etc/kubernetes, /etc/kubernetes/manifests)) and not ka.req.pod.containers.image.repository in (falcosecurity/falco, docker.io/falcosecurity/falco, sysdig/sysdig)`;
  /** ClusterRole With Wildcard Created */
  const WILDCARD_ROLE = `${KEVT} and (ka.target.resource=roles or ka.target.resource=clusterroles) and ka.verb=create and (ka.req.role.rules.resources intersects ("*") or ka.req.role.rules.verbs intersects ("*"))`;
  /** Create/Modify Configmap With Private Credentials */
  const CONFIGMAP_CREDS = `${KEVT} and ka.target.resource=configmaps and (ka.verb in (create,update,patch)) and (ka.req.configmap.obj contains "aws_access_key_id" or ka.req.configmap.obj contains "aws-access-key-id" or ka.req.configmap.obj contains "aws_s3_access_key_id" or ka.req.configmap.obj contains "aws-s3-access-key-id" or ka.req.configmap.obj contains "password" or ka.req.configmap.obj contains "passphrase")`;
  /** Anonymous Request Allowed */
  const ANONYMOUS = `${KEVT} and ka.user.name=system:anonymous and ka.auth.decision="allow" and not (ka.uri=/healthz or ka.uri startswith /healthz?) and not (ka.uri=/livez or ka.uri startswith /livez?) and not (ka.uri=/readyz or ka.uri startswith /readyz?)`;
  /** Create HostNetwork Pod */
  const HOSTNETWORK = `${KEVT} and ${POD} and ka.verb=create and ka.req.pod.host_network intersects (true) and not ka.req.pod.containers.image.repository in (gcr.io/google-containers/prometheus-to-sd, gke.gcr.io/kube-proxy)`;
  /** The deprecated fields, as the engine-v4 rules use them. */
  const V4_SENSITIVE_MOUNT = '(ka.req.volume.hostpath[/proc*]=true or ka.req.volume.hostpath[/var/run/docker.sock]=true or ka.req.volume.hostpath[/]=true or ka.req.volume.hostpath[/etc]=true or ka.req.volume.hostpath[/root*]=true)';
  const V4_PRIVILEGED = `${KEVT} and ${POD} and ka.verb=create and ka.req.container.privileged=true and not ka.req.container.image.repository in (falcosecurity/falco, sysdig/sysdig)`;

  const cases: [string, string, Record<string, boolean>][] = [
    ['Create Privileged Pod', PRIVILEGED_POD, {
      'create_nginx_pod_privileged.json': true,
      'create_nginx_pod_privileged_2nd_container.json': true,
      'create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json': true,
      'create_nginx_pod_unprivileged.json': false,
      'exec_pod.json': false,
    }],
    ['Attach/Exec Pod', ATTACH_EXEC, { 'exec_pod.json': true, 'attach_pod.json': true, 'create_nginx_pod_privileged.json': false }],
    ['Create Sensitive Mount Pod', SENSITIVE_MOUNT, {
      'create_nginx_pod_sensitive_mount.json': true,
      'create_nginx_pod_sensitive_mount_2nd_container.json': true,
      'create_nginx_pod_unsensitive_mount.json': false,
      'create_nginx_pod_privileged.json': false,
    }],
    ['ClusterRole With Wildcard Created', WILDCARD_ROLE, {
      'create_cluster_role_wildcard_verbs.json': true,
      'create_cluster_role_wildcard_resources.json': true,
      'create_cluster_role_pod_exec.json': false,
      'create_clusterrole.json': false,
    }],
    ['Create/Modify Configmap With Private Credentials', CONFIGMAP_CREDS, { 'create_configmap_no_sensitive_values.json': false, 'create_configmap.json': false }],
    ['Anonymous Request Allowed', ANONYMOUS, { 'anonymous_creates_namespace_foo.json': true, 'minikube_creates_namespace_foo.json': false }],
    ['Create HostNetwork Pod', HOSTNETWORK, { 'create_nginx_pod_hostnetwork.json': true, 'create_nginx_pod_nohostnetwork.json': false }],
    ['engine v4 sensitive_vol_mount', V4_SENSITIVE_MOUNT, { 'create_nginx_pod_sensitive_mount.json': true, 'create_nginx_pod_unsensitive_mount.json': false, 'create_nginx_pod_privileged.json': false }],
    ['engine v4 Create Privileged Pod', V4_PRIVILEGED, { 'create_nginx_pod_privileged.json': true, 'create_nginx_pod_privileged_2nd_container.json': true, 'create_nginx_pod_unprivileged.json': false }],
  ];
  for (const [rule, condition, expected] of cases) {
    it(rule, async (t) => {
      if (!requireCorpus(t)) return;
      const predicate = compile(parse(condition), TABLE);
      for (const [file, want] of Object.entries(expected)) assert.equal(predicate(await trace(file)), want, `${rule} on ${file}`);
    });
  }

  it('Create/Modify Configmap With Private Credentials fires on each of the six sensitive configmaps', async (t) => {
    if (!requireCorpus(t)) return;
    const predicate = compile(parse(CONFIGMAP_CREDS), TABLE);
    assert.deepEqual((await traceEvents('create_configmap_sensitive_values.json')).map((e) => predicate(e)), [true, true, true, true, true, true]);
  });

  it('a trusted-image override turns Create Privileged Pod off for nginx', async (t) => {
    if (!requireCorpus(t)) return;
    const trusted = PRIVILEGED_POD.replace(`in (${PRIVILEGED_IMAGES})`, `in (${PRIVILEGED_IMAGES}, nginx)`);
    assert.equal(holds(trusted, await trace('create_nginx_pod_privileged.json')), false);
    // mysql is not trusted: the pod with a privileged mysql container still alerts
    assert.equal(holds(trusted, await trace('create_nginx_pod_privileged_2nd_container.json')), true);
  });
});

interface Expectation {
  readonly test: string;
  readonly event_file: string;
  readonly rules_files: readonly string[];
  readonly expect_detect: boolean;
  readonly detect_counts?: Readonly<Record<string, number>>;
}

describe('k8s_audit_rules.yaml on the trace files, against the Falco regression expectations', () => {
  /** Rules renamed since the expectations were written, to their current names. */
  const RENAMED: Record<string, string> = {
    'K8s Role/Clusterrole Created': 'K8s ClusterRole Created',
    'K8s Role/Clusterrole Deleted': 'K8s ClusterRole Deleted',
    'K8s Role/Clusterrolebinding Created': 'K8s ClusterRoleBinding Created',
    'K8s Role/Clusterrolebinding Deleted': 'K8s ClusterRoleBinding Deleted',
  };

  it('every expectation on the current rule file holds', async (t) => {
    if (!requireCorpus(t)) return;
    const { tests } = JSON.parse(readFileSync(corpusPath(`${PLUGIN}/testdata/expectations.json`), 'utf8')) as { tests: readonly Expectation[] };
    let checked = 0;
    for (const x of tests) {
      // falco_rules.yaml was only there for shared macros; the k8saudit rule file is self-contained now.
      const files = x.rules_files.map((f) => f.split(' ')[0] as string).filter((f) => !f.endsWith('/falco_rules.yaml'));
      // The engine-v4 files are a frozen legacy rule set (`contains` on a list field, lists of the
      // syscall rules); trust_nginx_container.yaml appends to lists renamed since (falco_* to k8s_audit_*).
      if (files.some((f) => f.includes('engine_v4') || f.endsWith('trust_nginx_container.yaml'))) continue;
      const memo = new FieldMemo();
      const rules: { name: string; predicate: Predicate<VigilEvent> }[] = loadRules(files.map((f) => corpusPath(f.replace(/^shared\/corpus\//, '')))).map((r) => ({
        name: r.name,
        predicate: compile(r.expr, TABLE, { memo }),
      }));
      const events = (await decodeFiles([corpusPath(x.event_file.replace(/^shared\/corpus\//, ''))])).events;
      const fired: Record<string, number> = {};
      for (const e of events) for (const r of rules) if (r.predicate(e)) fired[r.name] = (fired[r.name] ?? 0) + 1;
      if (!x.expect_detect) {
        assert.deepEqual(fired, {}, `${x.test}: nothing fires`);
      } else {
        const want = Object.entries(x.detect_counts ?? {});
        assert.ok(want.length > 0, x.test);
        for (const [rule, count] of want) assert.equal(fired[RENAMED[rule] ?? rule], count, `${x.test}: ${rule} fires ${count} time(s); fired ${JSON.stringify(fired)}`);
      }
      checked++;
    }
    assert.equal(checked, 53);
  });
});
