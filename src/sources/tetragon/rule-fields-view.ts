/**
 * The derived view of one Tetragon event that the syscall fields share: the subject process,
 * its ancestry as Falco sees it, where it runs, and the hook's arguments (rule-fields-args.ts).
 * Each part is derived on the first field that needs it and kept for the others, and reads only
 * what is asked: the process levels and the placement are thin getters over the payload's JSON,
 * so `container.id` does not pay for parsing the image, nor `proc.name` for the pod.
 *
 * The payload is the record as Tetragon wrote it. What the process tree learned from earlier
 * events reaches an event as entities and relations (enrich.ts), in plain (non-lazy) events: a
 * lazy event's entities are a pure function of its payload and would add nothing, so they are
 * consulted only when the event owns them, which keeps extraction from paying for entity
 * extraction on every host process.
 */

import { canonicalContainerId, type Entity, type Relation } from '../../core/entity.js';
import type { VigilEvent } from '../../core/event.js';
import { asArray, asObject, asText, isObject, type JsonObject } from '../../core/json.js';
import { parseTime } from '../../core/time.js';
import { MAX_ANCESTORS } from './constants.js';
import { HookView, type Classified } from './rule-fields-args.js';
import { commOf, epochNanos, falcoArgs, timeParts, toNum, type TimeParts } from './rule-fields-text.js';

/** What an ancestry lookup (the run's process tree) knows of a process; ProcessRecord fits. */
export interface AncestorRecord {
  readonly execId: string;
  readonly pid?: number;
  readonly binary?: string;
  readonly arguments?: string;
  readonly cwd?: string;
  readonly startTime?: string;
  readonly parentExecId?: string;
}

/**
 * Ancestry beyond what the event itself carries: `ProcessTree` (process-tree.ts) satisfies it.
 * Without one, ancestors come from the event's `parent`/`ancestors` and its enrichment.
 */
export interface AncestryLookup {
  get(execId: string): AncestorRecord | undefined;
}

/** One process of the chain, in Tetragon's terms. */
export interface ProcLevel {
  readonly execId?: string;
  readonly pid?: number;
  readonly binary?: string;
  /** Tetragon's `arguments` (quoted), not yet Falco's `proc.args`. */
  readonly arguments?: string;
  readonly startTime?: string;
  /** The pid in its container's namespace (`pod.container.pid`). */
  readonly vpid?: number;
  readonly parentExecId?: string;
  readonly cwd?: string;
}

/**
 * A process level read from a Tetragon `Process` object, member by member as fields ask. The
 * derived name and arguments are kept: `proc.name`, `proc.cmdline` and `proc.aname` share them.
 */
class JsonLevel implements ProcLevel {
  o: JsonObject;
  #comm: string | null | undefined;
  #args: string | null | undefined;

  constructor(o: JsonObject) {
    this.o = o;
  }

  /** Makes this the level of another process object (the event view reuses its levels). */
  reset(o: JsonObject): this {
    this.o = o;
    this.#comm = undefined;
    this.#args = undefined;
    return this;
  }

  /** Falco's `proc.name` of this process (see commOf). */
  get comm(): string | undefined {
    if (this.#comm === undefined) {
      const b = this.binary;
      this.#comm = b === undefined ? null : commOf(b);
    }
    return this.#comm ?? undefined;
  }

  /** Falco's `proc.args`: Tetragon's arguments unquoted, `""` for a known process without any. */
  get falcoArgs(): string | undefined {
    if (this.#args === undefined) this.#args = this.o['binary'] === undefined ? null : falcoArgs(this.arguments ?? '');
    return this.#args ?? undefined;
  }

  get execId(): string | undefined {
    return asText(this.o['exec_id']);
  }

  get pid(): number | undefined {
    return toNum(this.o['pid']);
  }

  get binary(): string | undefined {
    return asText(this.o['binary']);
  }

  get arguments(): string | undefined {
    return asText(this.o['arguments']);
  }

  get startTime(): string | undefined {
    return asText(this.o['start_time']);
  }

  get vpid(): number | undefined {
    return toNum(asObject(asObject(this.o['pod'])?.['container'])?.['pid']);
  }

  get parentExecId(): string | undefined {
    return asText(this.o['parent_exec_id']);
  }

  get cwd(): string | undefined {
    return asText(this.o['cwd']);
  }
}

/**
 * A level over a record of the process table (the ancestors above those the event names). The
 * table replaces a record when what it knows of the process changes, so a level made once per
 * record serves every event that walks through it, with its name and arguments worked out once.
 */
class RecordLevel implements ProcLevel {
  readonly execId: string | undefined;
  readonly pid: number | undefined;
  readonly binary: string | undefined;
  readonly arguments: string | undefined;
  readonly startTime: string | undefined;
  readonly parentExecId: string | undefined;
  readonly cwd: string | undefined;
  #comm: string | null | undefined;
  #args: string | null | undefined;

  constructor(r: AncestorRecord) {
    this.execId = r.execId;
    this.pid = r.pid;
    this.binary = r.binary;
    this.arguments = r.arguments;
    this.startTime = r.startTime;
    this.parentExecId = r.parentExecId;
    this.cwd = r.cwd;
  }

  get comm(): string | undefined {
    if (this.#comm === undefined) this.#comm = this.binary === undefined ? null : commOf(this.binary);
    return this.#comm ?? undefined;
  }

  get falcoArgs(): string | undefined {
    if (this.#args === undefined) this.#args = this.binary === undefined ? null : falcoArgs(this.arguments ?? '');
    return this.#args ?? undefined;
  }
}

/** `proc.name` of a level (kept on JSON and table levels). */
export function levelName(l: ProcLevel | undefined): string | undefined {
  if (l instanceof JsonLevel || l instanceof RecordLevel) return l.comm;
  return l?.binary === undefined ? undefined : commOf(l.binary);
}

/** `proc.args` of a level (kept on JSON and table levels). */
export function levelArgs(l: ProcLevel | undefined): string | undefined {
  if (l instanceof JsonLevel || l instanceof RecordLevel) return l.falcoArgs;
  return l?.binary === undefined ? undefined : falcoArgs(l.arguments ?? '');
}

function levelOfEntity(e: Entity): ProcLevel {
  const a = e.attrs ?? {};
  const binary = a['binary'];
  const cmd = a['cmdline'];
  const args = binary !== undefined && cmd !== undefined && cmd.startsWith(`${binary} `) ? cmd.slice(binary.length + 1) : undefined;
  return { execId: e.id, pid: toNum(a['pid']), binary, arguments: args, cwd: a['cwd'] };
}

/** Image facts, each parsed when its field is read. */
export interface ImageFacts {
  /** The image reference as reported (`docker.io/library/nginx:1.25`). */
  readonly image?: string;
  readonly repository?: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Falco's short image id, from an `image.id` that is a bare `sha256:` id. */
  readonly imageId?: string;
}

export function withoutScheme(ref: string): string {
  const i = ref.indexOf('://');
  return i >= 0 ? ref.slice(i + 3) : ref;
}

/** `repo:tag@digest` without the digest: where the tag starts (after the last `:` past the last `/`), or -1. */
function tagColon(base: string): number {
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? colon : -1;
}

function withoutDigest(ref: string): string {
  const at = ref.indexOf('@');
  return at >= 0 ? ref.slice(0, at) : ref;
}

/** `container.image` of the payload: `name` is the tagged reference, `id` gives the digest. */
class PayloadImage implements ImageFacts {
  readonly #name: string | undefined;
  readonly #id: string | undefined;

  constructor(image: JsonObject | undefined) {
    const name = asText(image?.['name']);
    const id = asText(image?.['id']);
    this.#name = name === undefined ? undefined : withoutScheme(name);
    this.#id = id === undefined ? undefined : withoutScheme(id);
  }

  /** The reference naming the repository: the name, else an id that is not a bare digest. */
  get #ref(): string | undefined {
    const id = this.#id;
    return this.#name ?? (id !== undefined && !id.startsWith('sha256:') ? id : undefined);
  }

  get image(): string | undefined {
    return this.#ref;
  }

  get repository(): string | undefined {
    const ref = this.#ref;
    if (ref === undefined) return undefined;
    const base = withoutDigest(ref);
    const colon = tagColon(base);
    return colon < 0 ? base : base.slice(0, colon);
  }

  get tag(): string | undefined {
    const ref = this.#ref;
    if (ref === undefined) return undefined;
    const base = withoutDigest(ref);
    const colon = tagColon(base);
    return colon < 0 ? undefined : base.slice(colon + 1);
  }

  get digest(): string | undefined {
    for (const ref of [this.#name, this.#id]) {
      if (ref === undefined) continue;
      if (ref.startsWith('sha256:')) return ref;
      const at = ref.indexOf('@');
      if (at >= 0) return ref.slice(at + 1);
    }
    return undefined;
  }

  get imageId(): string | undefined {
    const id = this.#id;
    return id !== undefined && id.startsWith('sha256:') ? id.slice(7, 19) : undefined;
  }
}

/** Where the subject runs, as Falco's container plugin names it. */
export interface Placement {
  /** The 12-hex short id, `host`, or '' for a pod whose container is not named. */
  readonly id: string;
  /** The container id as reported (`containerd://…`), for the full id and the runtime. */
  readonly rawId?: string;
  readonly name?: string;
  readonly privileged?: boolean;
  readonly startTime?: string;
  readonly podName?: string;
  readonly namespace?: string;
  readonly podUid?: string;
  readonly labels?: JsonObject;
  /** The process's namespaces (`process.ns`), for host_pid/host_network/host_ipc. */
  readonly ns?: JsonObject;
  readonly image?: ImageFacts;
}

const HOST: Placement = Object.freeze({ id: 'host', name: 'host' });


/** `containerd://…` → `containerd` (Falco's `container.type`). */
export function runtimeOf(rawId: string): string | undefined {
  const i = rawId.indexOf('://');
  if (i < 0) return undefined;
  const scheme = rawId.slice(0, i);
  return scheme === 'crio' ? 'cri-o' : scheme;
}

/** The placement a process object states: `pod{…container{…}}`, or Docker's `docker` id alone. */
class PayloadPlacement implements Placement {
  readonly id: string;
  readonly rawId: string | undefined;
  readonly #proc: JsonObject;
  readonly #pod: JsonObject | undefined;
  readonly #container: JsonObject | undefined;
  #image: ImageFacts | undefined;

  constructor(proc: JsonObject, pod: JsonObject | undefined, container: JsonObject | undefined, rawId: string | undefined) {
    this.#proc = proc;
    this.#pod = pod;
    this.#container = container;
    this.rawId = rawId;
    // A pod without a container id is not the host, but no container can be named either.
    this.id = rawId === undefined ? '' : canonicalContainerId(rawId);
  }

  get name(): string | undefined {
    return asText(this.#container?.['name']);
  }

  get privileged(): boolean | undefined {
    const ctx = asObject(this.#container?.['security_context']);
    return ctx === undefined ? undefined : ctx['privileged'] === true;
  }

  get startTime(): string | undefined {
    return asText(this.#container?.['start_time']);
  }

  get podName(): string | undefined {
    return asText(this.#pod?.['name']);
  }

  get namespace(): string | undefined {
    return asText(this.#pod?.['namespace']);
  }

  get podUid(): string | undefined {
    return asText(this.#pod?.['uid']);
  }

  get labels(): JsonObject | undefined {
    return asObject(this.#pod?.['pod_labels']);
  }

  get ns(): JsonObject | undefined {
    return asObject(this.#proc['ns']);
  }

  get image(): ImageFacts {
    this.#image ??= new PayloadImage(asObject(this.#container?.['image']));
    return this.#image;
  }
}

function payloadPlacement(proc: JsonObject): Placement | undefined {
  const pod = asObject(proc['pod']);
  const container = asObject(pod?.['container']);
  const rawId = asText(container?.['id']) ?? asText(proc['docker']);
  if (rawId === undefined && pod === undefined) return undefined;
  return new PayloadPlacement(proc, pod, container, rawId);
}

/** The entity of a key (`type:id`), without building a key per entity. */
function entityAt(event: VigilEvent, key: string): Entity | undefined {
  const colon = key.indexOf(':');
  const type = key.slice(0, colon);
  const id = key.slice(colon + 1);
  return event.entities.find((e) => e.type === type && e.id === id);
}

/** The subject's placement from the enrichment's entities (container, pod, namespace, image). */
function entityPlacement(event: VigilEvent, subjectKey: string): Placement | undefined {
  const relations = event.relations;
  // One plain pass first: most enriched events are host processes, placed on a node only, and
  // need nothing more.
  let containerKey: string | undefined;
  let subjectPod: string | undefined;
  for (let i = 0; i < relations.length; i++) {
    const r = relations[i] as Relation;
    if (r.kind !== 'runs-in' || r.from !== subjectKey) continue;
    if (containerKey === undefined && r.to.startsWith('container:')) containerKey = r.to;
    else if (subjectPod === undefined && r.to.startsWith('pod:')) subjectPod = r.to;
  }
  if (containerKey === undefined && subjectPod === undefined) return undefined;
  const target = (from: string, kind: string, prefix: string): string | undefined =>
    relations.find((r) => r.from === from && r.kind === kind && r.to.startsWith(prefix))?.to;
  const podKey = (containerKey === undefined ? undefined : target(containerKey, 'runs-in', 'pod:')) ?? subjectPod;
  const c = containerKey === undefined ? undefined : entityAt(event, containerKey);
  const pod = podKey === undefined ? undefined : entityAt(event, podKey);
  const nsKey = podKey === undefined ? undefined : target(podKey, 'in-namespace', 'namespace:');
  const imageKey = containerKey === undefined ? undefined : target(containerKey, 'runs-image', 'image:');
  const image = imageKey === undefined ? undefined : entityAt(event, imageKey);
  // The image entity is Vigil's canonical reference (`docker.io/library/nginx:latest`).
  const base = image === undefined ? undefined : withoutDigest(image.id);
  const colon = base === undefined ? -1 : tagColon(base);
  return {
    id: c?.id ?? '',
    rawId: c?.attrs?.['fullId'] ?? c?.id,
    name: c === undefined || c.name === c.id ? undefined : c.name,
    podName: pod?.name,
    namespace: nsKey?.slice('namespace:'.length),
    podUid: pod?.attrs?.['uid'],
    image: {
      image: image?.id,
      repository: base === undefined ? undefined : colon < 0 ? base : base.slice(0, colon),
      tag: base === undefined || colon < 0 ? undefined : base.slice(colon + 1),
      digest: image?.attrs?.['digest'],
    },
  };
}

/** Bounds of one ancestry walk: levels kept, and records read (exec-without-fork levels are read, then skipped). */
const MAX_LEVELS = MAX_ANCESTORS + 1;
const MAX_READS = 2 * MAX_ANCESTORS;

export type Classifier = (kind: string, body: JsonObject) => Classified;

/**
 * The derived view of the event being evaluated. One view per field table serves every event in
 * turn (`reset`): the fields of one event are all read before the next event's, and a view and
 * its hook view allocated per event were a good part of what evaluation left to collect.
 */
export class EventView {
  event: VigilEvent;
  body: JsonObject | undefined;
  /** The subject process object, when the event has one. */
  proc: JsonObject | undefined;
  readonly #lookup: AncestryLookup | undefined;
  readonly #classify: Classifier;
  /** The levels walked so far, `#levels` of them (-1: none yet): one array for every event. */
  readonly #chain: ProcLevel[] = [];
  #levelCount = -1;
  /** Levels read from the payload's process objects, reused across events by position. */
  readonly #jsonLevels: JsonLevel[] = [];
  #jsonLevelsUsed = 0;
  #lastRead: ProcLevel | undefined;
  #next = 0;
  #done = false;
  #reads = 0;
  /** Exec ids walked so far (from the first walk on: most events are never walked). */
  #seen: string[] | undefined;
  #placement: Placement | null | undefined;
  /** The hook view, reused across events like this view; `#hookReady` says it is this event's. */
  #hook: HookView | undefined;
  #hookReady = false;
  #time: TimeParts | undefined;
  /** Levels over the table's records, by record (weakly: the table drops records, this follows). */
  readonly #recordLevels = new WeakMap<AncestorRecord, RecordLevel>();

  constructor(event: VigilEvent, lookup: AncestryLookup | undefined, classify: Classifier) {
    this.#lookup = lookup;
    this.#classify = classify;
    this.event = event;
    this.reset(event);
  }

  /** Makes this the view of `event`, forgetting everything derived from the previous one. */
  reset(event: VigilEvent): void {
    this.event = event;
    const payload = event.payload;
    const body = isObject(payload) ? payload[event.kind] : undefined;
    this.body = isObject(body) ? body : undefined;
    const proc = this.body?.['process'];
    this.proc = isObject(proc) ? proc : undefined;
    this.#levelCount = -1;
    this.#jsonLevelsUsed = 0;
    this.#lastRead = undefined;
    this.#next = 0;
    this.#done = false;
    this.#reads = 0;
    this.#seen = undefined;
    this.#placement = undefined;
    this.#hookReady = false;
    this.#time = undefined;
  }

  get payload(): JsonObject | undefined {
    return isObject(this.event.payload) ? this.event.payload : undefined;
  }

  /** Whether the event carries entities of its own (enriched): only then are they read. */
  get #ownEntities(): boolean {
    return Object.hasOwn(this.event, 'entities');
  }

  // ---- process chain (level 0 is the subject, 1 its parent…)

  /** The n-th process of the subject's ancestry, Falco's way (see #extend). */
  level(n: number): ProcLevel | undefined {
    this.#levels();
    while (this.#levelCount <= n && this.#extend());
    return n < this.#levelCount ? this.#chain[n] : undefined;
  }

  /** Every known ancestor, parent first (`proc.aname` without an index). */
  ancestors(): readonly ProcLevel[] {
    this.#levels();
    while (this.#extend());
    return this.#chain.slice(1, this.#levelCount);
  }

  #levels(): void {
    if (this.#levelCount < 0) {
      const self = this.proc === undefined ? undefined : this.#subject(this.proc);
      this.#levelCount = 0;
      if (self !== undefined) this.#chain[this.#levelCount++] = self;
      this.#lastRead = self;
      this.#done = self === undefined;
    }
  }

  /** A level over a process object of the payload, from the reused ones. */
  #jsonLevel(o: JsonObject): JsonLevel {
    const i = this.#jsonLevelsUsed++;
    const known = this.#jsonLevels[i];
    if (known !== undefined) return known.reset(o);
    const made = new JsonLevel(o);
    this.#jsonLevels[i] = made;
    return made;
  }

  /** The subject, completed from its (enriched) entity when a field-filtered record lacks the binary. */
  #subject(proc: JsonObject): ProcLevel {
    const self = this.#jsonLevel(proc);
    if (proc['binary'] !== undefined || !this.#ownEntities) return self;
    const id = self.execId;
    const e = id === undefined ? undefined : this.event.entities.find((x) => x.type === 'process' && x.id === id);
    if (e === undefined) return self;
    const known = levelOfEntity(e);
    return {
      execId: id, pid: self.pid ?? known.pid, binary: known.binary, arguments: self.arguments ?? known.arguments,
      startTime: self.startTime, vpid: self.vpid, parentExecId: self.parentExecId, cwd: self.cwd ?? known.cwd,
    };
  }

  /**
   * Adds the next ancestor. Falco's process tree has one entry per process: an exec without a
   * fork replaces the image in place, so a Tetragon parent with the subject's pid (bash that
   * exec'd curl, an entrypoint script that exec'd nginx) is not Falco's parent and is skipped.
   */
  #extend(): boolean {
    const chain = this.#chain;
    let seen = this.#seen;
    if (seen === undefined) {
      // Seeded with the subject on the first walk (a cycle back to it ends the walk).
      const id = this.#levelCount > 0 ? chain[0]?.execId : undefined;
      seen = this.#seen = id === undefined ? [] : [id];
    }
    while (!this.#done && this.#levelCount < MAX_LEVELS && this.#reads < MAX_READS) {
      const c = this.#candidate();
      const id = c?.execId;
      if (c === undefined || (id !== undefined && seen.includes(id))) break;
      this.#reads++;
      if (id !== undefined) seen.push(id);
      this.#lastRead = c;
      const pid = c.pid;
      if (pid !== undefined && this.#levelCount > 0 && pid === chain[this.#levelCount - 1]?.pid) continue;
      chain[this.#levelCount++] = c;
      return true;
    }
    this.#done = true;
    return false;
  }

  /** The next process up: the payload's parent and ancestors, then the lookup or the enrichment. */
  #candidate(): ProcLevel | undefined {
    const body = this.body;
    if (this.#next === 0) {
      this.#next = 1;
      const p = asObject(body?.['parent']);
      if (p !== undefined) return this.#jsonLevel(p);
    }
    const anc = asArray(body?.['ancestors']);
    while (this.#next - 1 < anc.length) {
      const a = anc[this.#next - 1];
      this.#next++;
      if (isObject(a)) return this.#jsonLevel(a);
    }
    const last = this.#lastRead;
    if (last === undefined) return undefined;
    if (this.#lookup !== undefined) {
      const lastId = last.execId;
      const id = last.parentExecId ?? (lastId === undefined ? undefined : this.#lookup.get(lastId)?.parentExecId);
      const rec = id === undefined ? undefined : this.#lookup.get(id);
      if (rec === undefined) return undefined;
      let level = this.#recordLevels.get(rec);
      if (level === undefined) this.#recordLevels.set(rec, (level = new RecordLevel(rec)));
      return level;
    }
    const lastId = last.execId;
    if (lastId === undefined || !this.#ownEntities) return undefined;
    const from = `process:${lastId}`;
    const to = this.event.relations.find((r) => r.from === from && r.kind === 'child-of')?.to;
    const e = to === undefined ? undefined : entityAt(this.event, to);
    return e === undefined ? undefined : levelOfEntity(e);
  }

  // ---- placement

  get placement(): Placement | undefined {
    if (this.#placement === undefined) this.#placement = this.#place() ?? null;
    return this.#placement ?? undefined;
  }

  #place(): Placement | undefined {
    const proc = this.proc;
    if (proc === undefined) return undefined;
    const own = payloadPlacement(proc);
    if (own !== undefined) return own;
    const execId = asText(proc['exec_id']);
    if (execId !== undefined && this.#ownEntities) {
      const known = entityPlacement(this.event, `process:${execId}`);
      if (known !== undefined) return known;
    }
    return HOST;
  }

  // ---- hook arguments

  get hook(): HookView | undefined {
    const body = this.body;
    if (body === undefined) return undefined;
    if (!this.#hookReady) {
      this.#hookReady = true;
      const kind = this.event.kind;
      const info = this.#classify(kind, body);
      if (this.#hook === undefined) this.#hook = new HookView(kind, body, info, this);
      else this.#hook.reset(kind, body, info);
    }
    return this.#hook;
  }

  /** Falco's `proc.cwd`: with a trailing slash, as libsinsp keeps it. */
  get cwd(): string | undefined {
    const cwd = this.level(0)?.cwd;
    if (cwd === undefined) return undefined;
    return cwd.endsWith('/') ? cwd : `${cwd}/`;
  }

  // ---- time

  get time(): TimeParts {
    this.#time ??= timeParts(this.event.time);
    return this.#time;
  }

  /** Epoch nanoseconds of a Tetragon timestamp (start times), or undefined. */
  static nanos(ts: string | undefined): number | undefined {
    if (ts === undefined) return undefined;
    const t = parseTime(ts);
    return t === undefined ? undefined : epochNanos(t.ms);
  }
}
