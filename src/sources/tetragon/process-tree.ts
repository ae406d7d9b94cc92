import type { SourceState } from '../../core/decoder.js';
import type { VigilEvent } from '../../core/event.js';
import { ClockMap, type ClockEntry } from '../../core/clock-map.js';
import { canonicalContainerId } from '../../core/entity.js';
import { asArray, asObject, asText, isObject, obj, type JsonObject } from '../../core/json.js';
import { MAX_ANCESTORS } from './constants.js';
import { enrichEvent } from './enrich.js';
import { ExpiryHeap } from './expiry-heap.js';
import { mergePlacement, readProcess, readRelative, type Placement, type ProcessFacts } from './process-fields.js';

/** What the table remembers of one process (exec_id), merged over every sighting. */
export interface ProcessRecord extends ProcessFacts {
  readonly execId: string;
  readonly node?: string;
  readonly cluster?: string;
  /** Event time of the first and latest sighting (epoch ms). */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Event time of its process_exit, once seen. */
  readonly exitedMs?: number;
}

export interface ProcessTreeOptions {
  /** How long (event time) an exited process stays, for kprobes that trail its exit. Default 60 s. */
  readonly exitGraceMs?: number;
  /** Most processes held; the least recently seen go first (approximately: CLOCK, core/clock-map.ts). Default 100 000. */
  readonly maxEntries?: number;
  /** Most containers whose pod is remembered. Default 10 000. */
  readonly maxContainers?: number;
  /** Longest ancestor walk. Default 64. */
  readonly maxDepth?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A table entry: the record, and whether it was seen since eviction last passed over it (CLOCK,
 * core/clock-map.ts). Most sightings repeat what is known, and marking the entry is all they do:
 * moving it to the back of the order on every sighting (exact least-recently-seen order) was a
 * delete and an insert per process per event, the costliest part of decoding after `JSON.parse`.
 */
type Entry = Mutable<ProcessRecord> & ClockEntry & {
  /** The last sightings as an event's subject and as its parent that told nothing new (see #repeat). */
  asSubject?: Sighting;
  asParent?: Sighting;
};

/**
 * A sighting that told an entry nothing new: the parsed object (the Tetragon line parser hands
 * on the very same object while a line repeats a process's text), the context it came with, and
 * the facts read from it. Entries are replaced, not changed, when a sighting tells something new,
 * so while the entry stands, the same object in the same context would be read and learned the
 * same way again. The object is the one the line parser keeps for the process (while it keeps
 * it), so holding it here costs little; it goes when the process exits or the next sighting
 * brings another.
 */
interface Sighting {
  readonly o: JsonObject;
  readonly hint: string | undefined;
  readonly node: string | undefined;
  readonly cluster: string | undefined;
  readonly facts: ProcessFacts;
}

/** A remembered container's pod and image, marked like the process entries. */
interface ContainerEntry extends ClockEntry {
  placement: Placement;
}

/**
 * The runtime process table of one run: exec_id → process, parent link and placement, learned
 * from every event's `process`, `parent` and `ancestors` (a kprobe may be the first sighting).
 * Bounded without timers: exited entries leave `exitGraceMs` of event time after their exit (the
 * watermark is the latest event time observed) and the table never holds more than `maxEntries`.
 */
export class ProcessTree implements SourceState {
  readonly #procs = new ClockMap<Entry>();
  readonly #containers = new ClockMap<ContainerEntry>();
  readonly #exits = new ExpiryHeap();
  readonly #grace: number;
  readonly #max: number;
  readonly #maxContainers: number;
  readonly #maxDepth: number;
  #watermark = Number.NEGATIVE_INFINITY;

  constructor(options: ProcessTreeOptions = {}) {
    this.#grace = Math.max(0, options.exitGraceMs ?? 60_000);
    this.#max = Math.max(1, Math.floor(options.maxEntries ?? 100_000));
    this.#maxContainers = Math.max(1, Math.floor(options.maxContainers ?? 10_000));
    this.#maxDepth = Math.max(1, Math.floor(options.maxDepth ?? 64));
  }

  /** Processes plus remembered containers: everything the state holds. */
  get size(): number {
    return this.#procs.size + this.#containers.size;
  }

  get processCount(): number {
    return this.#procs.size;
  }

  get containerCount(): number {
    return this.#containers.size;
  }

  /** The latest event time observed (epoch ms); expiry is measured against it. */
  get watermarkMs(): number {
    return this.#watermark;
  }

  /** Learns from a Tetragon event and returns it with what the table knows and it lacks. */
  observe(event: VigilEvent): VigilEvent {
    if (event.source !== 'tetragon' || !isObject(event.payload)) return event;
    const payload = event.payload;
    const body = obj(payload, event.kind);
    const subject = body === undefined ? undefined : this.#learnEvent(payload, body, event.timeMs);
    if (subject?.execId !== undefined && event.kind === 'process_exit') this.#markExited(subject.execId, event.timeMs);
    const out = subject?.execId === undefined ? event : enrichEvent(event, this, subject);
    this.#advance(event.timeMs);
    return out;
  }

  get(execId: string): ProcessRecord | undefined {
    return this.#procs.get(execId);
  }

  parent(execId: string): ProcessRecord | undefined {
    return this.ancestor(execId, 1);
  }

  /** The n-th ancestor (`proc.aname[n]`): 0 is the process itself, 1 its parent. */
  ancestor(execId: string, n: number): ProcessRecord | undefined {
    if (!Number.isInteger(n) || n < 0 || n > this.#maxDepth) return undefined;
    if (n === 0) return this.#procs.get(execId);
    return this.ancestors(execId, n)[n - 1];
  }

  /** Parent first, up to `limit`; stops at an unknown id or a cycle (ids seen before). */
  ancestors(execId: string, limit: number = this.#maxDepth): ProcessRecord[] {
    const out: ProcessRecord[] = [];
    const seen = new Set<string>([execId]);
    let cur = this.#procs.get(execId);
    const max = Math.min(limit, this.#maxDepth);
    while (cur?.parentExecId !== undefined && out.length < max && !seen.has(cur.parentExecId)) {
      seen.add(cur.parentExecId);
      cur = this.#procs.get(cur.parentExecId);
      if (cur !== undefined) out.push(cur);
    }
    return out;
  }

  /**
   * Where the process runs: its own placement, else the nearest ancestor's (a process stays in
   * its parent's container), completed with the pod remembered for its container.
   */
  placementOf(execId: string): Placement | undefined {
    let found = this.#procs.get(execId)?.placement;
    if (found === undefined) {
      for (const a of this.ancestors(execId)) {
        if (a.placement !== undefined) {
          found = a.placement;
          break;
        }
      }
    }
    const byContainer = found?.containerId === undefined ? undefined : this.#containers.get(found.containerId)?.placement;
    return mergePlacement(found, byContainer);
  }

  /** The pod and image remembered for a canonical container id. */
  container(containerId: string): Placement | undefined {
    return this.#containers.get(containerId)?.placement;
  }

  #learnEvent(payload: JsonObject, body: JsonObject, timeMs: number): ProcessFacts | undefined {
    const proc = asObject(body['process']);
    const parent = asObject(body['parent']);
    const node = asText(payload['node_name']);
    const cluster = asText(payload['cluster_name']);
    const plain = body['ancestors'] === undefined;
    if (proc !== undefined && plain) {
      const repeated = this.#repeat(proc, parent, node, cluster, timeMs);
      if (repeated !== undefined) return repeated;
    }
    const chain: ProcessFacts[] = [];
    if (proc !== undefined) chain.push(this.#readSubject(proc));
    if (parent !== undefined) chain.push(this.#readRelative(parent));
    const ancestors = asArray(body['ancestors']);
    for (let i = 0; i < ancestors.length && i < MAX_ANCESTORS; i++) {
      const a = ancestors[i];
      if (isObject(a)) chain.push(this.#readRelative(a));
    }
    // Oldest first, so the subject ends up the most recently seen; each links to the next one up
    // when it does not name its parent itself.
    const parentAt = parent === undefined ? -1 : proc === undefined ? 0 : 1;
    for (let i = chain.length - 1; i >= 0; i--) {
      const facts = chain[i] as ProcessFacts;
      const hint = chain[i + 1]?.execId;
      const entry = this.#learn(facts, hint, node, cluster, timeMs);
      // A sighting that told nothing new is remembered, for the next event that repeats it.
      if (entry === undefined || !plain) continue;
      if (i === 0 && proc !== undefined) entry.asSubject = { o: proc, hint, node, cluster, facts };
      else if (i === parentAt && parent !== undefined) entry.asParent = { o: parent, hint, node, cluster, facts };
    }
    return proc === undefined ? undefined : chain[0];
  }

  /**
   * The subject's facts when the event repeats, object for object, a subject and parent that
   * told the table nothing new last time (a process's file and network events): learning them
   * again would only refresh the entries' times and marks, which is all this does. Undefined
   * when the event must be learned in full.
   */
  #repeat(proc: JsonObject, parent: JsonObject | undefined, node: string | undefined, cluster: string | undefined, t: number): ProcessFacts | undefined {
    const id = proc['exec_id'];
    const subject = typeof id === 'string' ? this.#procs.get(id) : undefined;
    const s = subject?.asSubject;
    if (subject === undefined || s === undefined || s.o !== proc || s.node !== node || s.cluster !== cluster) return undefined;
    let up: Entry | undefined;
    if (parent !== undefined) {
      const pid = parent['exec_id'];
      up = typeof pid === 'string' ? this.#procs.get(pid) : undefined;
      const p = up?.asParent;
      if (p === undefined || p.o !== parent || p.node !== node || p.cluster !== cluster || s.hint !== p.facts.execId) return undefined;
    } else if (s.hint !== undefined) {
      return undefined;
    }
    if (up !== undefined) this.#sighted(up, t);
    this.#sighted(subject, t);
    return s.facts;
  }

  /** A sighting that tells nothing new: the entry's times and marks. */
  #sighted(e: Entry, t: number): void {
    if (t < e.firstSeenMs) e.firstSeenMs = t;
    if (t > e.lastSeenMs) e.lastSeenMs = t;
    e.seen = true;
    this.#touchContainer(e.placement?.containerId);
  }

  /**
   * The subject of an event. A process's file and network events repeat its exec record; once
   * it is known with its pod, the cheap read (container id and pod name) shows whether it still
   * runs where the tree says, and then the tree's placement is its placement: canonicalising the
   * image and pod again would find the same.
   */
  #readSubject(o: JsonObject): ProcessFacts {
    const id = asText(o['exec_id']);
    const rec = id === undefined ? undefined : this.#procs.get(id);
    const known = rec?.placement;
    if (known?.podName === undefined) return readProcess(o);
    if (rec?.binary !== undefined) {
      // Known in full (its exec record was seen): only where it runs is checked.
      const pod = asObject(o['pod']);
      const rawId = asText(asObject(pod?.['container'])?.['id']) ?? asText(o['docker']);
      if (asText(pod?.['name']) === known.podName && rawId !== undefined && canonicalContainerId(rawId) === known.containerId) return { execId: id, placement: known };
    }
    const cheap = readRelative(o, known);
    return cheap.placement === known ? cheap : readProcess(o);
  }

  /**
   * Relatives repeat in every event of their descendants; once one is known with its pod, the
   * cheap read (no pod or image canonicalisation) is enough to refresh it.
   */
  #readRelative(o: JsonObject): ProcessFacts {
    const id = asText(o['exec_id']);
    const known = id === undefined ? undefined : this.#procs.get(id);
    // Known with its binary and where it runs: a parent repeated in its child's every event says
    // nothing new, and the sighting only refreshes its times.
    if (known?.binary !== undefined && (known.placement?.podName !== undefined || (known.placement === undefined && known.node !== undefined))) return { execId: id };
    return known?.placement?.podName !== undefined ? readRelative(o) : readProcess(o);
  }

  /** Learns a sighting; returns the entry when the sighting told nothing new (it is unchanged). */
  #learn(f: ProcessFacts, parentHint: string | undefined, node: string | undefined, cluster: string | undefined, t: number): Entry | undefined {
    if (f.execId === undefined) return undefined;
    const old = this.#procs.get(f.execId);
    if (old !== undefined && tells(f, old, parentHint, node, cluster) === false) {
      // Most sightings repeat what is known (a process's file and network events): only the
      // times and the mark change, and nothing is allocated or moved.
      this.#sighted(old, t);
      return old;
    }
    // A later sighting's values win; what it omits (field filters, sparse parents) is kept.
    const rec: Entry = {
      execId: f.execId,
      pid: f.pid ?? old?.pid,
      uid: f.uid ?? old?.uid,
      userName: f.userName ?? old?.userName,
      binary: f.binary ?? old?.binary,
      arguments: f.arguments ?? old?.arguments,
      cwd: f.cwd ?? old?.cwd,
      startTime: f.startTime ?? old?.startTime,
      parentExecId: f.parentExecId ?? old?.parentExecId ?? parentHint,
      placement: mergePlacement(f.placement, old?.placement),
      node: node ?? old?.node,
      cluster: cluster ?? old?.cluster,
      firstSeenMs: old === undefined ? t : Math.min(old.firstSeenMs, t),
      lastSeenMs: old === undefined ? t : Math.max(old.lastSeenMs, t),
      exitedMs: old?.exitedMs,
      seen: false,
      clock: 0,
      asSubject: undefined,
      asParent: undefined,
    };
    // A changed process goes to the back, as a new one.
    this.#procs.set(f.execId, rec);
    if (this.#procs.size > this.#max) this.#procs.evictUnseen();
    this.#rememberContainer(rec.placement);
    return undefined;
  }

  /** Marks a remembered container as seen (see Entry). */
  #touchContainer(id: string | undefined): void {
    if (id === undefined) return;
    const known = this.#containers.get(id);
    if (known !== undefined) known.seen = true;
  }

  #rememberContainer(p: Placement | undefined): void {
    if (p?.containerId === undefined || p.podName === undefined) return;
    const known = this.#containers.get(p.containerId);
    const merged = mergePlacement(p, known?.placement) ?? p;
    if (known !== undefined) {
      if (known.placement === merged) {
        known.seen = true;
        return;
      }
    }
    this.#containers.set(p.containerId, { placement: merged, seen: false, clock: 0 });
    if (this.#containers.size > this.#maxContainers) this.#containers.evictUnseen();
  }

  #markExited(execId: string, t: number): void {
    const rec = this.#procs.get(execId);
    if (rec === undefined || rec.exitedMs !== undefined) return;
    rec.exitedMs = t;
    // Its last sightings hold parsed records: an exited process's few trailing events are
    // learned in full, and the records are not kept for its grace period.
    rec.asSubject = undefined;
    rec.asParent = undefined;
    this.#exits.push({ at: t + this.#grace, key: execId });
    if (this.#exits.length > 2 * this.#max + 1024) this.#exits.retain((e) => this.#isCurrent(e.key, e.at));
  }

  #isCurrent(execId: string, at: number): boolean {
    const exited = this.#procs.get(execId)?.exitedMs;
    return exited !== undefined && exited + this.#grace === at;
  }

  /** Moves the watermark forward and drops the exited entries whose grace has passed. */
  #advance(t: number): void {
    if (t > this.#watermark) this.#watermark = t;
    for (let e = this.#exits.peek(); e !== undefined && e.at < this.#watermark; e = this.#exits.peek()) {
      this.#exits.pop();
      if (this.#isCurrent(e.key, e.at)) this.#procs.delete(e.key);
    }
  }
}

/** A fresh, empty process table (one per run). */
export function createProcessTree(options?: ProcessTreeOptions): ProcessTree {
  return new ProcessTree(options);
}

function agrees<T>(seen: T | undefined, known: T | undefined): boolean {
  return seen === undefined || seen === known;
}

/**
 * Whether a sighting would change what is known of a process (the merge in `#learn` would give
 * another record): a value it states that differs, a parent it names for the first time, a
 * placement fact it adds.
 */
function tells(f: ProcessFacts, old: ProcessRecord, parentHint: string | undefined, node: string | undefined, cluster: string | undefined): boolean {
  if (!agrees(f.pid, old.pid) || !agrees(f.uid, old.uid) || !agrees(f.userName, old.userName) || !agrees(f.binary, old.binary)) return true;
  if (!agrees(f.arguments, old.arguments) || !agrees(f.cwd, old.cwd) || !agrees(f.startTime, old.startTime)) return true;
  if (!agrees(f.parentExecId, old.parentExecId) || (old.parentExecId === undefined && (f.parentExecId ?? parentHint) !== undefined)) return true;
  if (!agrees(node, old.node) || !agrees(cluster, old.cluster)) return true;
  const p = f.placement;
  if (p === undefined) return false;
  const o = old.placement;
  if (o === undefined) return true;
  return !(
    agrees(p.containerId, o.containerId) && agrees(p.containerFullId, o.containerFullId) && agrees(p.containerName, o.containerName) &&
    agrees(p.podName, o.podName) && agrees(p.namespace, o.namespace) && agrees(p.podUid, o.podUid) && agrees(p.workload, o.workload) &&
    agrees(p.workloadKind, o.workloadKind) && agrees(p.image, o.image) && agrees(p.imageDigest, o.imageDigest)
  );
}
