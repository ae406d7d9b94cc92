/**
 * What behavioural profiles learn from one event: which profile it belongs to (a workload, a
 * host, a cloud or Kubernetes principal), its peers (the same image elsewhere, the same role's
 * other sessions), and the feature values it shows. Values are read through the sources' own
 * rule fields, so `proc.exepath` here is `proc.exepath` in rules.
 */

import { isPrivateIpv4 } from '../lang/ip.js';
import type { VigilEvent } from '../core/event.js';
import { isObject } from '../core/json.js';
import type { FieldSpec, FieldValue } from '../lang/index.js';
import { sourceField, type RuleSourceSpec } from '../rules/load.js';

export const FEATURES = ['exec', 'lineage', 'destination', 'uid', 'network', 'agent', 'api', 'resource'] as const;
export type Feature = (typeof FEATURES)[number];

export interface Observation {
  readonly profile: string;
  readonly kind: 'workload' | 'host' | 'principal';
  /** For people: `shop/docker.io/acme/storefront`, `arn:aws:iam::…:user/alice`. */
  readonly name: string;
  /** Profiles that should behave alike (the same image, the same role, all hosts). */
  readonly peers: string;
  readonly features: readonly (readonly [Feature, string])[];
  /**
   * Values the event shows without being news: the process behind a file or network event has
   * been running all along, so its executable and lineage are learned from it silently, while
   * only a process start can be a new executable.
   */
  readonly known?: readonly (readonly [Feature, string])[];
  /** Bytes the call moved out (S3 GetObject), for volume baselines. */
  readonly bytesOut?: number;
  /** Resources the call created (instances launched, pods and workloads created). */
  readonly creates?: number;
  /** A process start's command line, for the command-line model. */
  readonly cmdline?: string;
}

function first(v: FieldValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined ? undefined : String(x);
}

/** `10.0.3.7` → `10.0.3.0/24`; IPv6 to its /48; anything else (`backup.amazonaws.com`) as is. */
export function networkOf(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4 !== null) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}::/48`;
  return ip;
}


/** The client family of a user agent: `aws-cli/2.17 …` → `aws-cli`, `[Boto3/1.34 …]` → `boto3`. */
export function agentFamily(ua: string): string {
  const t = ua.replace(/^\[/, '').trim();
  const end = t.search(/[/\s(]/);
  return (end < 0 ? t : t.slice(0, end)).toLowerCase() || 'none';
}

/** Kubernetes resources whose creation runs code: pods and the controllers that make them. */
const WORKLOAD_RESOURCES = new Set(['pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs']);

/** Resources a successful CloudTrail call created: instances launched, databases, clusters, functions. */
function createdBy(api: string, record: Readonly<Record<string, unknown>>): number {
  if (api === 'RunInstances') {
    const response = isObject(record['responseElements']) ? record['responseElements'] : undefined;
    const set = isObject(response?.['instancesSet']) ? response['instancesSet'] : undefined;
    const items = set?.['items'];
    if (Array.isArray(items)) return items.length;
    const request = isObject(record['requestParameters']) ? record['requestParameters'] : undefined;
    const count = Number(request?.['maxCount'] ?? request?.['minCount'] ?? 1);
    return Number.isFinite(count) && count > 0 ? count : 1;
  }
  return /^(Create(DBInstance|DBCluster|Cluster|Function20150331|Function|Nodegroup|Stack|Instance)s?|StartInstances|RequestSpotInstances|CreateFleet)$/.test(api) ? 1 : 0;
}

/**
 * What a CloudTrail call touched, at the level a principal's habits live at: buckets (not
 * objects), and the ARNs of other resources it names.
 */
function resourcesOf(record: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const request = isObject(record['requestParameters']) ? record['requestParameters'] : undefined;
  const bucket = request?.['bucketName'];
  if (typeof bucket === 'string' && bucket !== '') out.push(`s3:${bucket}`);
  const resources = record['resources'];
  if (Array.isArray(resources)) {
    for (const r of resources) {
      if (!isObject(r) || typeof r['ARN'] !== 'string' || r['type'] === 'AWS::S3::Object' || r['type'] === 'AWS::S3::Bucket') continue;
      if (out.length < 8) out.push(r['ARN']);
    }
  }
  return out;
}

interface ProcessFacts {
  readonly profile: string;
  readonly kind: 'workload' | 'host';
  readonly name: string;
  readonly peers: string;
  readonly process: readonly (readonly [Feature, string])[];
  /** When its process features were last passed on as `known` (event time). */
  knownMs: number;
  /**
   * The observation of its events that show nothing (file activity between refreshes, most of
   * a node's events): one object per process, not one per event.
   */
  quiet?: Observation;
}

const NO_FEATURES: readonly (readonly [Feature, string])[] = Object.freeze([]);

const MAX_CACHED_PROCESSES = 50_000;
const MAX_CACHED_WORKLOADS = 10_000;
/**
 * How often a process's own features (its executable, lineage, uid) are passed on again with its
 * other events: they only refresh when the profile last saw them, which is kept for forgetting
 * values unseen for days, so once a minute is plenty (and saves three lookups per event).
 */
const KNOWN_REFRESH_MS = 60_000;

/** The fields an observation reads, resolved once. */
const SYSCALL = ['container.id', 'evt.hostname', 'container.image.repository', 'k8s.ns.name', 'proc.exepath', 'proc.pname', 'proc.cmdline', 'user.uid', 'evt.type', 'fd.sip', 'fd.sport'] as const;
const CLOUD = ['ct.user.arn', 'ct.srcip', 'ct.useragent', 'ct.src', 'ct.name'] as const;
const AUDIT = ['ka.user.name', 'ka.sourceips', 'ka.useragent', 'ka.verb', 'ka.target.resource', 'ka.target.subresource', 'ka.target.namespace'] as const;

type Fields<K extends string> = Readonly<Record<K, FieldSpec<VigilEvent> | undefined>>;

function resolve<K extends string>(sources: readonly RuleSourceSpec<VigilEvent>[], source: string, names: readonly K[]): Fields<K> {
  return Object.fromEntries(names.map((n) => [n, sourceField(sources, source, n)])) as Record<K, FieldSpec<VigilEvent> | undefined>;
}

function read(spec: FieldSpec<VigilEvent> | undefined, e: VigilEvent): string | undefined {
  return spec === undefined ? undefined : first(spec.extract(e, undefined));
}

export class Observer {
  readonly #sys: Fields<(typeof SYSCALL)[number]>;
  readonly #ct: Fields<(typeof CLOUD)[number]>;
  readonly #ka: Fields<(typeof AUDIT)[number]>;
  readonly #processes = new Map<string, ProcessFacts>();
  /** Per container id, its workload's profile key, name and peer group (see #process). */
  readonly #workloads = new Map<string, { readonly profile: string; readonly name: string; readonly peers: string }>();

  constructor(sources: readonly RuleSourceSpec<VigilEvent>[]) {
    this.#sys = resolve(sources, 'syscall', SYSCALL);
    this.#ct = resolve(sources, 'aws_cloudtrail', CLOUD);
    this.#ka = resolve(sources, 'k8s_audit', AUDIT);
  }

  observe(e: VigilEvent): Observation | undefined {
    switch (e.source) {
      case 'tetragon':
        return this.#runtime(e);
      case 'cloudtrail':
        return this.#cloud(e);
      case 'k8saudit':
        return this.#audit(e);
      default:
        return undefined;
    }
  }

  #runtime(e: VigilEvent): Observation | undefined {
    const f = this.#sys;
    const p = this.#process(e);
    if (p === undefined) return undefined;
    const type = read(f['evt.type'], e);
    if (type === 'execve' || type === 'execveat') {
      const cmdline = read(f['proc.cmdline'], e);
      return { profile: p.profile, kind: p.kind, name: p.name, peers: p.peers, features: p.process, ...(cmdline === undefined ? {} : { cmdline }) };
    }
    let features = NO_FEATURES;
    if (type === 'connect') {
      const ip = read(f['fd.sip'], e);
      const port = read(f['fd.sport'], e);
      if (ip !== undefined && port !== undefined) features = [['destination', isPrivateIpv4(ip) ? `${ip}:${port}` : `${networkOf(ip)}:${port}`]];
    }
    const refresh = e.timeMs - p.knownMs >= KNOWN_REFRESH_MS || e.timeMs < p.knownMs;
    if (refresh) {
      p.knownMs = e.timeMs;
      return { profile: p.profile, kind: p.kind, name: p.name, peers: p.peers, features, known: p.process };
    }
    if (features !== NO_FEATURES) return { profile: p.profile, kind: p.kind, name: p.name, peers: p.peers, features };
    return (p.quiet ??= { profile: p.profile, kind: p.kind, name: p.name, peers: p.peers, features: NO_FEATURES });
  }

  /**
   * What does not change over a process's life (where it runs, what it is, its parent), worked
   * out on its first event and kept by exec id: most events are file and network activity of
   * processes seen before.
   */
  #process(e: VigilEvent): ProcessFacts | undefined {
    const payload = e.payload;
    const body = isObject(payload) ? payload[e.kind] : undefined;
    const proc = isObject(body) ? body['process'] : undefined;
    const execId = isObject(proc) && typeof proc['exec_id'] === 'string' ? proc['exec_id'] : undefined;
    const cached = execId === undefined ? undefined : this.#processes.get(execId);
    if (cached !== undefined) return cached;
    const f = this.#sys;
    const container = read(f['container.id'], e);
    if (container === undefined) return undefined;
    let facts: ProcessFacts;
    const process: (readonly [Feature, string])[] = [];
    const exe = read(f['proc.exepath'], e);
    if (exe !== undefined) {
      process.push(['exec', exe]);
      process.push(['lineage', `${read(f['proc.pname'], e) ?? '?'} → ${exe}`]);
    }
    const uid = read(f['user.uid'], e);
    if (uid !== undefined) process.push(['uid', uid]);
    if (container === 'host') {
      const node = read(f['evt.hostname'], e) ?? 'unknown';
      facts = { profile: `host:${node}`, kind: 'host', name: `host ${node}`, peers: 'hosts', process, knownMs: Number.NEGATIVE_INFINITY };
    } else {
      // A container's image and namespace are its own for life: its workload is worked out for
      // its first process with both known, and its later processes share the very strings (so
      // the profile's key is hashed once, not once per process).
      let w = this.#workloads.get(container);
      if (w === undefined) {
        const repo = read(f['container.image.repository'], e);
        const ns = read(f['k8s.ns.name'], e);
        const name = `${ns ?? '-'}/${repo ?? 'unknown'}`;
        w = { profile: `workload:${name}`, name, peers: `image:${repo ?? 'unknown'}` };
        if (repo !== undefined && ns !== undefined) {
          if (this.#workloads.size >= MAX_CACHED_WORKLOADS) this.#workloads.clear();
          this.#workloads.set(container, w);
        }
      }
      facts = { profile: w.profile, kind: 'workload', name: w.name, peers: w.peers, process, knownMs: Number.NEGATIVE_INFINITY };
    }
    if (execId !== undefined) {
      // Bounded: dropped whole when full (a cache, not state: facts are re-derived on demand).
      if (this.#processes.size >= MAX_CACHED_PROCESSES) this.#processes.clear();
      this.#processes.set(execId, facts);
    }
    return facts;
  }

  #cloud(e: VigilEvent): Observation | undefined {
    const f = this.#ct;
    const arn = read(f['ct.user.arn'], e);
    if (arn === undefined) return undefined;
    const role = /:assumed-role\/([^/]+)\//.exec(arn)?.[1];
    const features: (readonly [Feature, string])[] = [];
    const ip = read(f['ct.srcip'], e);
    if (ip !== undefined) features.push(['network', networkOf(ip)]);
    const ua = read(f['ct.useragent'], e);
    if (ua !== undefined) features.push(['agent', agentFamily(ua)]);
    const src = read(f['ct.src'], e);
    const api = read(f['ct.name'], e);
    if (src !== undefined && api !== undefined) features.push(['api', `${src.replace('.amazonaws.com', '')}:${api}`]);
    const payload = isObject(e.payload) ? e.payload : {};
    for (const r of resourcesOf(payload)) features.push(['resource', r]);
    const extra = isObject(payload['additionalEventData']) ? payload['additionalEventData'] : undefined;
    const out = extra?.['bytesTransferredOut'];
    const bytes = typeof out === 'number' ? out : typeof out === 'string' ? Number(out) : undefined;
    const creates = payload['errorCode'] === undefined && api !== undefined ? createdBy(api, payload) : 0;
    return {
      profile: `principal:${arn}`,
      kind: 'principal',
      name: arn,
      peers: role === undefined ? 'iam-users' : `role:${role}`,
      features,
      ...(bytes !== undefined && Number.isFinite(bytes) && bytes > 0 ? { bytesOut: bytes } : {}),
      ...(creates > 0 ? { creates } : {}),
    };
  }

  #audit(e: VigilEvent): Observation | undefined {
    const f = this.#ka;
    const user = read(f['ka.user.name'], e);
    if (user === undefined) return undefined;
    const features: (readonly [Feature, string])[] = [];
    const ip = read(f['ka.sourceips'], e);
    if (ip !== undefined) features.push(['network', networkOf(ip)]);
    const ua = read(f['ka.useragent'], e);
    if (ua !== undefined) features.push(['agent', agentFamily(ua)]);
    const verb = read(f['ka.verb'], e);
    const resource = read(f['ka.target.resource'], e);
    const sub = read(f['ka.target.subresource'], e);
    // What the control plane's own components (controllers, scheduler, kubelets) call follows
    // the cluster's state (a rollout, a cron job, an eviction), not anyone's intent: learned,
    // never news. Where they call from, and with what client, still is.
    const system = user.startsWith('system:') && !user.startsWith('system:serviceaccount:') && !user.startsWith('system:anonymous');
    const api = verb !== undefined && resource !== undefined ? ([['api', `${verb} ${resource}${sub === undefined || sub === '' ? '' : `/${sub}`}`]] as const) : [];
    if (!system) {
      features.push(...api);
      const ns = read(f['ka.target.namespace'], e);
      if (ns !== undefined && ns !== '') features.push(['resource', `namespace:${ns}`]);
    }
    const sa = /^system:serviceaccount:([^:]+):/.exec(user);
    const creates = !system && verb === 'create' && (sub === undefined || sub === '') && resource !== undefined && WORKLOAD_RESOURCES.has(resource) ? 1 : 0;
    return {
      profile: `k8s:${user}`, kind: 'principal', name: user,
      peers: sa === null ? (user.startsWith('system:node:') ? 'k8s-nodes' : 'k8s-users') : `k8s-sa:${sa[1] as string}`,
      features, ...(system ? { known: api } : {}), ...(creates > 0 ? { creates } : {}),
    };
  }
}
