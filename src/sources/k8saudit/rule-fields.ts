/**
 * The Falco k8saudit plugin fields (`ka.*`) and the json plugin fields (`json.*`, `jevt.*`) as
 * Vigil field specs, so Falco's k8saudit rules run unchanged on decoded audit events. Every field
 * reads the audit event as parsed (`event.payload`), as the plugins read the raw JSON; the field
 * table with each field's path and the deviations from the plugins is docs/fields/k8saudit.md.
 *
 * The plugins' conventions, kept here:
 * - every `ka.*` and `json.*` field is a string: a JSON string is its text, anything else its
 *   compact JSON (`true`, `201`, `null`, `{"a":1}`);
 * - a path that is absent is a missing field (every comparison on it is false), and so is a list
 *   that comes out empty (libsinsp treats zero values as "not extracted");
 * - list fields that take an index (`ka.req.pod.containers.image[1]`) pick that element of the
 *   first array on the path; an index Falco would reject (`01`, `x`) reads as missing, since a
 *   spec cannot refuse an argument at compile time.
 *
 * Where the plugin's extractor contradicts its own README through a wrong JSON path
 * (`ka.sourceips`, `ka.req.volume.hostpath`, `…eff_run_as_*`, `…add_capabilities`,
 * `ka.req.service.ports`, `…image.repository`), the README's meaning wins; each is marked
 * "README" below and described in the doc.
 *
 * Extraction is a walk over the parsed object: no re-serialisation except for the fields whose
 * value is an object rendered as text (`ka.req.role.rules`, `ka.req.configmap.obj`, `json.obj`…).
 * Key paths are built once, with the specs, never per call.
 */

import type { VigilEvent } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import type { FieldSpec, FieldValue } from '../../lang/fields.js';

type Spec = FieldSpec<VigilEvent>;

/** The audit event behind a k8saudit event; fields of any other source are missing. */
function audit(e: VigilEvent): JsonObject | undefined {
  if (e.source !== 'k8saudit') return undefined;
  const p = e.payload;
  return isObject(p) ? p : undefined;
}

/**
 * A JSON value as the plugins render it: strings as they are, anything else as compact JSON.
 * Numbers and booleans skip `JSON.stringify`, which costs several times `String` (same text for
 * the finite numbers JSON holds).
 */
function text(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return JSON.stringify(v);
  }
}

/**
 * Follows fixed member names through nested objects. A JSON `null` at the end is a value (the
 * plugin renders it `null`); one on the way, like any non-object, ends the walk. Arrays need no
 * test of their own: none of the fixed names is an index or `length`, so they read undefined.
 */
function at(root: unknown, path: readonly string[]): unknown {
  let v = root;
  // Indexed loops on the per-event paths of this file: a for-of may allocate an iterator per
  // read where V8 cannot inline it.
  for (let i = 0; i < path.length; i++) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as JsonObject)[path[i] as string];
  }
  return v;
}

/** No index argument: every element of the arrays on the path. */
const ALL = -1;

/**
 * An index argument as libsinsp accepts it (digits, no leading zero): ALL without one, undefined
 * for one Falco would refuse at compile time.
 */
function indexArg(arg: string | undefined): number | undefined {
  if (arg === undefined) return ALL;
  const n = arg.length;
  if (n === 0 || n > 15 || (n > 1 && arg.charCodeAt(0) === 48)) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = arg.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The plugin's walk over arrays (its `getValuesRecursive`): follows `keys`; an array met before
 * a key fans out over its elements (or, given an index, steps into that element alone). An
 * element where the walk fails leaves `undefined` in `out`, so callers can tell "this container
 * has no such member" from "there are no containers". Returns false when the walk fails before
 * any fan-out (the field is then missing). The key `''` stands for the element itself.
 */
function collect(v: unknown, index: number, keys: readonly string[], from: number, out: unknown[]): boolean {
  let cur = v;
  for (let i = from; i < keys.length; i++) {
    if (Array.isArray(cur)) {
      if (index === ALL) {
        for (let j = 0; j < cur.length; j++) if (!collect(cur[j] as unknown, index, keys, i, out)) out.push(undefined);
        return true;
      }
      if (index >= cur.length) return false;
      cur = cur[index] as unknown;
    }
    const k = keys[i] as string;
    if (k !== '') cur = typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? (cur as JsonObject)[k] : undefined;
    if (cur === undefined) return false;
  }
  out.push(cur);
  return true;
}

/** `collect` from the audit event; undefined when the walk fails. */
function values(e: VigilEvent, index: number, keys: readonly string[]): unknown[] | undefined {
  const root = audit(e);
  if (root === undefined) return undefined;
  const out: unknown[] = [];
  return collect(root, index, keys, 0, out) ? out : undefined;
}

/** The values as text, skipping elements that lack the member; missing when none is left. */
function textsSkipping(vs: readonly unknown[] | undefined): string[] | undefined {
  if (vs === undefined) return undefined;
  const out: string[] = [];
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (v !== undefined) out.push(text(v));
  }
  return out.length === 0 ? undefined : out;
}

/** The values as text, where every element must have the member (container names, images). */
function textsStrict(vs: readonly unknown[] | undefined): string[] | undefined {
  if (vs === undefined || vs.length === 0) return undefined;
  const out: string[] = [];
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (v === undefined) return undefined;
    out.push(text(v));
  }
  return out;
}

/**
 * The repository of an image reference: without digest (`@sha256:…`) and tag (a `:` after the
 * last `/`), so a registry port survives (`reg:5000/app:1` → `reg:5000/app`). README: the plugin
 * cuts at the first `:`, registry port included.
 */
function repository(image: string): string {
  const digest = image.indexOf('@');
  const ref = digest < 0 ? image : image.slice(0, digest);
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}

// ---- spec builders

/** A string field at a fixed path. */
function scalar(name: string, path: readonly string[]): Spec {
  return {
    name,
    type: 'string',
    extract: (e) => {
      const v = at(audit(e), path);
      return v === undefined ? undefined : text(v);
    },
  };
}

/** A list field: the elements of the array at a fixed path (missing when it is not an array). */
function arrayAt(name: string, path: readonly string[]): Spec {
  return {
    name,
    type: 'string',
    list: true,
    extract: (e) => {
      const v = at(audit(e), path);
      if (!Array.isArray(v) || v.length === 0) return undefined;
      return (v as readonly unknown[]).map(text);
    },
  };
}

/** A list field with an optional index, built from `values`. */
function indexed(name: string, read: (e: VigilEvent, index: number) => FieldValue | undefined): Spec {
  return {
    name,
    type: 'string',
    list: true,
    arg: 'optional',
    extract: (e, arg) => {
      const index = indexArg(arg);
      return index === undefined ? undefined : read(e, index);
    },
  };
}

/** An indexed list of one member per element (missing members skipped). */
function perElement(name: string, keys: readonly string[]): Spec {
  return indexed(name, (e, i) => textsSkipping(values(e, i, keys)));
}

/** `args` / `command`: each container's string array joined with spaces. */
function joinedStrings(vs: readonly unknown[] | undefined): string[] | undefined {
  if (vs === undefined) return undefined;
  const out: string[] = [];
  for (const v of vs) {
    if (v === undefined) continue;
    if (!Array.isArray(v)) return undefined;
    for (const s of v as readonly unknown[]) if (typeof s !== 'string') return undefined;
    out.push((v as readonly string[]).join(' '));
  }
  return out.length === 0 ? undefined : out;
}

/** Each container's host ports: `hostPort`, else `containerPort` (the host port under hostNetwork). */
function hostPorts(vs: readonly unknown[] | undefined): string[] | undefined {
  if (vs === undefined) return undefined;
  const out: string[] = [];
  for (const ports of vs) {
    if (ports === undefined) continue;
    if (!Array.isArray(ports)) return undefined;
    for (const p of ports as readonly unknown[]) {
      if (!isObject(p)) continue;
      const v = p['hostPort'] !== undefined ? p['hostPort'] : p['containerPort'];
      if (v !== undefined) out.push(text(v));
    }
  }
  return out.length === 0 ? undefined : out;
}

/**
 * Flattens per-container arrays (`capabilities.add`) into one list of their elements. README: the
 * plugin returns each container's array as one JSON string, which no `intersects` can match.
 */
function flattened(vs: readonly unknown[] | undefined): string[] | undefined {
  if (vs === undefined) return undefined;
  const out: string[] = [];
  for (const v of vs) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v as readonly unknown[]) out.push(text(x));
    else out.push(text(v));
  }
  return out.length === 0 ? undefined : out;
}

/** The pod spec's three container lists; each has its own `ka.req.pod.<list>.*` fields. */
type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

/** The per-container fields of one of the pod's container lists. */
function containerFields(list: ContainerList): Spec[] {
  const base = ['requestObject', 'spec', list];
  const name = (sub: string): string => `ka.req.pod.${list}.${sub}`;
  const member = (...k: string[]): readonly string[] => [...base, ...k];
  const sc = (...k: string[]): readonly string[] => [...base, 'securityContext', ...k];
  const ARGS = member('args');
  const COMMAND = member('command');
  const NAME = member('name');
  const IMAGE = member('image');
  const PORTS = member('ports');
  const CAPS = sc('capabilities', 'add');
  const images = (e: VigilEvent, i: number): string[] | undefined => textsStrict(values(e, i, IMAGE));
  // README: the container's own value, else the pod's security context, else 0 (root). The
  // plugin reads `spec.runAsUser` and `containers[].runAsUser`, which pods do not have.
  const effective = (sub: string, key: string): Spec => {
    const own = sc(key);
    const pod = ['requestObject', 'spec', 'securityContext', key];
    return indexed(name(sub), (e, i) => {
      const vs = values(e, i, own);
      if (vs === undefined || vs.length === 0) return undefined;
      const podValue = at(audit(e), pod);
      const fallback = podValue === undefined ? '0' : text(podValue);
      return vs.map((v) => (v === undefined ? fallback : text(v)));
    });
  };
  const specs: Spec[] = [
    indexed(name('args'), (e, i) => joinedStrings(values(e, i, ARGS))),
    indexed(name('command'), (e, i) => joinedStrings(values(e, i, COMMAND))),
    indexed(name('name'), (e, i) => textsStrict(values(e, i, NAME))),
    indexed(name('image'), images),
    indexed(name('image.repository'), (e, i) => images(e, i)?.map(repository)),
    perElement(name('privileged'), sc('privileged')),
    perElement(name('allow_privilege_escalation'), sc('allowPrivilegeEscalation')),
    perElement(name('read_only_fs'), sc('readOnlyRootFilesystem')),
    perElement(name('run_as_user'), sc('runAsUser')),
    effective('eff_run_as_user', 'runAsUser'),
    perElement(name('run_as_group'), sc('runAsGroup')),
    effective('eff_run_as_group', 'runAsGroup'),
    perElement(name('proc_mount'), sc('procMount')),
    indexed(name('add_capabilities'), (e, i) => flattened(values(e, i, CAPS))),
  ];
  // Ephemeral containers may not declare ports; the README has no host_port for them.
  if (list !== 'ephemeralContainers') specs.push(indexed(name('host_port'), (e, i) => hostPorts(values(e, i, PORTS))));
  return specs;
}

/** The names of the binding's subjects of one kind (`namespace:name` for namespaced accounts). */
const SUBJECTS = ['requestObject', 'subjects'];

function subjectNames(name: string, kind: string, namespaced: boolean): Spec {
  return {
    name,
    type: 'string',
    list: true,
    extract: (e) => {
      const subjects = at(audit(e), SUBJECTS);
      if (!Array.isArray(subjects)) return undefined;
      const out: string[] = [];
      for (const s of subjects as readonly unknown[]) {
        if (!isObject(s) || s['kind'] === undefined || s['name'] === undefined || text(s['kind']) !== kind) continue;
        if (!namespaced) {
          out.push(text(s['name']));
        } else if (s['namespace'] !== undefined) {
          out.push(`${text(s['namespace'])}:${text(s['name'])}`);
        }
      }
      return out.length === 0 ? undefined : out;
    },
  };
}

/** `ka.req.role.rules.<key>`: the rules' arrays under `key`, flattened. */
function ruleMembers(key: string): Spec {
  const keys = ['requestObject', 'rules', key];
  return indexed(`ka.req.role.rules.${key}`, (e, i) => {
    const vs = values(e, i, keys);
    if (vs === undefined) return undefined;
    const out: string[] = [];
    for (const v of vs) if (Array.isArray(v)) for (const x of v as readonly unknown[]) out.push(text(x));
    return out.length === 0 ? undefined : out;
  });
}

// ---- ka.uri.param

const HEX = /^[0-9a-fA-F]{2}$/;

/** Go's QueryUnescape: `+` is a space, `%XX` a byte; a malformed escape is an error (undefined). */
function queryUnescape(s: string): string | undefined {
  if (!s.includes('%') && !s.includes('+')) return s;
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x2b) {
      out[n++] = 0x20;
    } else if (b === 0x25) {
      const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
      if (!HEX.test(hex)) return undefined;
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n).toString('utf8');
}

/**
 * The first value of a query parameter of the request URI, as Go's `url.ParseQuery` reads it.
 * Any malformed pair (a `;` separator, a bad escape) makes Go report an error and the plugin
 * return nothing, so the whole field is missing then.
 */
function queryParam(uri: string, key: string): string | undefined {
  const hash = uri.indexOf('#');
  const path = hash < 0 ? uri : uri.slice(0, hash);
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  let found: string | undefined;
  for (const pair of path.slice(q + 1).split('&')) {
    if (pair.includes(';')) return undefined;
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const v = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) return undefined;
    if (found === undefined && k === key) found = v;
  }
  return found;
}

// ---- the json plugin

/**
 * One JSON pointer reference token, with its array index when it reads as one (Go's Atoi), and
 * whether a plain member read could reach Object.prototype (`constructor`, `__proto__`…), in
 * which case the step checks the member is the object's own.
 */
interface Segment {
  readonly key: string;
  readonly index: number;
  readonly inherited: boolean;
}

/** Pointers parsed per argument text; a rule set uses a handful, so the cache stays small. */
const POINTER_CACHE_LIMIT = 1024;

function parsePointer(arg: string): readonly Segment[] | undefined {
  if (arg === '') return undefined;
  const body = arg.charCodeAt(0) === 47 ? arg.slice(1) : arg;
  return body.split('/').map((raw) => {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const index = /^[+-]?[0-9]{1,15}$/.test(key) ? Number(key) : -1;
    return { key, index, inherited: key in Object.prototype };
  });
}

/** `json.value[/ptr]`: RFC 6901 pointer into the audit event; objects come out as compact JSON. */
function jsonValue(name: string): Spec {
  // Owned by this spec: pointer segments parsed once per distinct argument.
  const cache = new Map<string, readonly Segment[] | null>();
  const segmentsOf = (arg: string): readonly Segment[] | undefined => {
    let s = cache.get(arg);
    if (s === undefined) {
      if (cache.size >= POINTER_CACHE_LIMIT) cache.clear();
      s = parsePointer(arg) ?? null;
      cache.set(arg, s);
    }
    return s ?? undefined;
  };
  return {
    name,
    type: 'string',
    arg: 'required',
    extract: (e, arg) => {
      let v: unknown = audit(e);
      const segments = arg === undefined || v === undefined ? undefined : segmentsOf(arg);
      if (segments === undefined) return undefined;
      for (const s of segments) {
        if (isObject(v)) {
          v = s.inherited && !Object.hasOwn(v, s.key) ? undefined : v[s.key];
        } else if (Array.isArray(v)) {
          v = s.index >= 0 && s.index < v.length ? (v[s.index] as unknown) : undefined;
        } else {
          return undefined;
        }
        if (v === undefined) return undefined;
      }
      return text(v);
    },
  };
}

/** `json.obj`: the whole event, indented by two spaces as the plugin's `json.Indent` does. */
function jsonObj(name: string): Spec {
  return {
    name,
    type: 'string',
    extract: (e) => {
      const root = audit(e);
      return root === undefined ? undefined : JSON.stringify(root, null, 2);
    },
  };
}

/**
 * `json.rawtime`: the event time in epoch nanoseconds, as decimal text. The seconds come from
 * `timeMs` and the fraction from the RFC 3339 text, which keeps all nine digits exact (a double
 * cannot hold epoch nanoseconds).
 */
function rawTime(e: VigilEvent): string | undefined {
  if (audit(e) === undefined) return undefined;
  const iso = e.time;
  // The fraction's digits sit between `.` (offset 19) and the final `Z`.
  let fracNs = 0;
  let digits = 0;
  if (iso.charCodeAt(19) === 46) {
    for (let i = 20; i < iso.length - 1 && digits < 9; i++, digits++) {
      const d = iso.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      fracNs = fracNs * 10 + d;
    }
  }
  for (; digits < 9; digits++) fracNs *= 10;
  const secs = Math.round((e.timeMs - fracNs / 1e6) / 1000);
  if (!Number.isSafeInteger(secs)) return undefined;
  // 1e9 + fracNs has ten digits: dropping the first zero-pads the fraction to nine.
  if (secs > 0) return `${secs}${String(1e9 + fracNs).slice(1)}`;
  return (BigInt(secs) * 1_000_000_000n + BigInt(fracNs)).toString();
}

function jsonRawtime(name: string): Spec {
  return { name, type: 'string', extract: rawTime };
}

// ---- the table

const VOLUMES = ['requestObject', 'spec', 'volumes', ''];
const HOST_PATHS = ['requestObject', 'spec', 'volumes', 'hostPath', 'path'];
const FIRST_IMAGE = ['requestObject', 'spec', 'containers', 'image'];
const PRIVILEGED = ['requestObject', 'spec', 'containers', 'securityContext', 'privileged'];
const RESPONSE_NAME = ['responseObject', 'metadata', 'name'];
const REQUEST_URI = ['requestURI'];

/**
 * The deprecated `ka.req.volume.hostpath[path]`: "true" when any hostPath volume uses the path,
 * "false" when none does, missing when the pod declares no volumes. README ("used by any
 * volume"): the plugin's key argument leaves its index at 0, so it only reads the first volume.
 */
const volumeHostpath: Spec = {
  name: 'ka.req.volume.hostpath',
  type: 'string',
  arg: 'required',
  extract: (e, arg) => {
    const paths = values(e, ALL, HOST_PATHS);
    if (paths === undefined || arg === undefined) return undefined;
    // A trailing `*` makes the argument a prefix: the only wildcard the plugin knows.
    const prefix = arg.endsWith('*') ? arg.slice(0, -1) : undefined;
    for (const v of paths) {
      if (v === undefined) continue;
      const p = text(v);
      if (p === arg || (prefix !== undefined && p.startsWith(prefix))) return 'true';
    }
    return 'false';
  },
};

/** `ka.target.pod.name`: the created pod's name, only for requests on pods themselves. */
const targetPodName: Spec = {
  name: 'ka.target.pod.name',
  type: 'string',
  extract: (e) => {
    const root = audit(e);
    const ref = root?.['objectRef'];
    if (!isObject(ref) || ref['resource'] !== 'pods') return undefined;
    const sub = ref['subresource'];
    if (typeof sub === 'string' && sub !== '') return undefined;
    const v = at(root, RESPONSE_NAME);
    return v === undefined ? undefined : text(v);
  },
};

const uriParam: Spec = {
  name: 'ka.uri.param',
  type: 'string',
  arg: 'required',
  extract: (e, arg) => {
    const uri = at(audit(e), REQUEST_URI);
    return uri === undefined || arg === undefined ? undefined : queryParam(text(uri), arg);
  },
};

/** The deprecated single-container fields read the first container only. */
function firstImage(e: VigilEvent): string | undefined {
  return textsStrict(values(e, 0, FIRST_IMAGE))?.[0];
}

/** Every field of the k8saudit plugin's README table, then the json plugin's. */
export const K8S_AUDIT_FIELDS: readonly Spec[] = Object.freeze([
  scalar('ka.auditid', ['auditID']),
  scalar('ka.stage', ['stage']),
  scalar('ka.auth.decision', ['annotations', 'authorization.k8s.io/decision']),
  scalar('ka.auth.reason', ['annotations', 'authorization.k8s.io/reason']),
  scalar('ka.auth.openshift.decision', ['annotations', 'authentication.openshift.io/decision']),
  scalar('ka.validations.admission.policy.failure', ['annotations', 'validation.policy.admission.k8s.io/validation_failure']),
  scalar('ka.security.pod.violations', ['annotations', 'pod-security.kubernetes.io/audit-violations']),
  scalar('ka.auth.openshift.username', ['annotations', 'authentication.openshift.io/username']),
  scalar('ka.user.name', ['user', 'username']),
  arrayAt('ka.user.groups', ['user', 'groups']),
  scalar('ka.impuser.name', ['impersonatedUser', 'username']),
  scalar('ka.verb', ['verb']),
  scalar('ka.uri', ['requestURI']),
  uriParam,
  scalar('ka.target.name', ['objectRef', 'name']),
  scalar('ka.target.namespace', ['objectRef', 'namespace']),
  scalar('ka.target.resource', ['objectRef', 'resource']),
  scalar('ka.target.subresource', ['objectRef', 'subresource']),
  targetPodName,
  arrayAt('ka.req.binding.subjects', ['requestObject', 'subjects']),
  subjectNames('ka.req.binding.subjects.user_names', 'User', false),
  subjectNames('ka.req.binding.subjects.serviceaccount_names', 'ServiceAccount', false),
  subjectNames('ka.req.binding.subjects.serviceaccount_ns_names', 'ServiceAccount', true),
  subjectNames('ka.req.binding.subjects.group_names', 'Group', false),
  scalar('ka.req.binding.role', ['requestObject', 'roleRef', 'name']),
  // Documented as "always N/A"; the plugin returns "true", as the original implementation did,
  // and rules written for Falco see "true".
  { name: 'ka.req.binding.subject.has_name', type: 'string', arg: 'required', extract: (e) => (audit(e) === undefined ? undefined : 'true') },
  scalar('ka.req.configmap.name', ['objectRef', 'name']),
  scalar('ka.req.configmap.obj', ['requestObject', 'data']),
  ...containerFields('containers'),
  { name: 'ka.req.container.image', type: 'string', extract: firstImage },
  {
    name: 'ka.req.container.image.repository',
    type: 'string',
    extract: (e) => {
      const image = firstImage(e);
      return image === undefined ? undefined : repository(image);
    },
  },
  scalar('ka.req.pod.host_ipc', ['requestObject', 'spec', 'hostIPC']),
  scalar('ka.req.pod.host_network', ['requestObject', 'spec', 'hostNetwork']),
  scalar('ka.req.container.host_network', ['requestObject', 'spec', 'hostNetwork']),
  scalar('ka.req.pod.host_pid', ['requestObject', 'spec', 'hostPID']),
  {
    name: 'ka.req.container.privileged',
    type: 'string',
    extract: (e) => {
      const vs = values(e, ALL, PRIVILEGED);
      return vs === undefined ? undefined : vs.includes(true) ? 'true' : 'false';
    },
  },
  scalar('ka.req.pod.run_as_user', ['requestObject', 'spec', 'securityContext', 'runAsUser']),
  scalar('ka.req.pod.run_as_group', ['requestObject', 'spec', 'securityContext', 'runAsGroup']),
  arrayAt('ka.req.role.rules', ['requestObject', 'rules']),
  ruleMembers('apiGroups'),
  ruleMembers('nonResourceURLs'),
  ruleMembers('verbs'),
  ruleMembers('resources'),
  scalar('ka.req.pod.fs_group', ['requestObject', 'spec', 'securityContext', 'fsGroup']),
  arrayAt('ka.req.pod.supplemental_groups', ['requestObject', 'spec', 'securityContext', 'supplementalGroups']),
  scalar('ka.req.service.type', ['requestObject', 'spec', 'type']),
  // README: one element per port (its compact JSON), so the index selects a port; the plugin
  // returns the whole array as one string and ignores the index.
  perElement('ka.req.service.ports', ['requestObject', 'spec', 'ports', '']),
  perElement('ka.req.pod.volumes.hostpath', ['requestObject', 'spec', 'volumes', 'hostPath', 'path']),
  volumeHostpath,
  perElement('ka.req.pod.volumes.flexvolume_driver', ['requestObject', 'spec', 'volumes', 'flexVolume', 'driver']),
  indexed('ka.req.pod.volumes.volume_type', (e, i) => {
    // The volume's source kinds: every member but `name` (`hostPath`, `secret`, `configMap`…).
    const vs = values(e, i, VOLUMES);
    if (vs === undefined) return undefined;
    const out: string[] = [];
    for (const v of vs) if (isObject(v)) for (const k of Object.keys(v)) if (k !== 'name') out.push(k);
    return out.length === 0 ? undefined : out;
  }),
  scalar('ka.resp.name', ['responseObject', 'metadata', 'name']),
  scalar('ka.response.code', ['responseStatus', 'code']),
  scalar('ka.response.reason', ['responseStatus', 'reason']),
  scalar('ka.useragent', ['userAgent']),
  // README: the client addresses; the plugin reads `requestObject.rules[].sourceIPs` (its
  // role-rules helper), so in Falco this field is always missing.
  perElement('ka.sourceips', ['sourceIPs', '']),
  scalar('ka.cluster.name', ['annotations', 'cluster_name']),
  ...containerFields('initContainers'),
  ...containerFields('ephemeralContainers'),
  // The json plugin, and its jevt.* aliases that the k8saudit rules use.
  jsonValue('json.value'),
  jsonObj('json.obj'),
  jsonRawtime('json.rawtime'),
  jsonValue('jevt.value'),
  jsonObj('jevt.obj'),
  jsonRawtime('jevt.rawtime'),
]);
