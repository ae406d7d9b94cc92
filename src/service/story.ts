/**
 * An attack's story (contracts.md `GET /api/v1/attacks/{id}`): the attack, its threats (and the
 * threats they were built on), its signals, an entity graph and a timeline. The graph's links
 * are the relations the evidence records themselves stated (process runs-in container, pod on
 * node...), stored with the findings so they outlive the records, plus which threat names which
 * entity.
 */

import type { AnalystState, Note, Store, StoredFinding } from '../store/port.js';

export interface GraphNode {
  readonly id: string;
  readonly kind: 'attack' | 'threat' | 'entity';
  readonly type: string;
  readonly label: string;
}

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly relation: string;
}

export interface TimelineItem {
  readonly time: string;
  readonly kind: 'signal' | 'threat' | 'attack';
  readonly id: string;
  readonly title: string;
  /** Where the raw record is: `{path, line}`, `path` being `ingest/SOURCE` and `line` the stored record's seq. */
  readonly input?: unknown;
}

export interface Story {
  readonly attack: Record<string, unknown>;
  readonly state: AnalystState;
  readonly notes: Note[];
  readonly threats: Record<string, unknown>[];
  readonly signals: Record<string, unknown>[];
  readonly graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  readonly timeline: TimelineItem[];
}

/** A story's graph stays readable: at most this many nodes, from this many stored edges. */
const MAX_NODES = 500;
const MAX_EDGES_READ = 5000;

export async function buildStory(store: Store, attack: StoredFinding): Promise<Story> {
  const doc = attack.doc;
  const threatIds = new Set(strings(doc['threats']));
  const threats: StoredFinding[] = [];
  // Threats built on threats: follow the chain (ids are few; a visited set stops any loop).
  let frontier = [...threatIds];
  while (frontier.length > 0) {
    const found = await store.getFindings('threat', frontier);
    frontier = [];
    for (const t of found) {
      threats.push(t);
      for (const inner of strings(t.doc['threats'])) if (!threatIds.has(inner)) {
        threatIds.add(inner);
        frontier.push(inner);
      }
    }
  }
  const signalIds = new Set(strings(doc['signals']));
  for (const t of threats) for (const s of strings(t.doc['signals'])) signalIds.add(s);
  const signals = await store.getFindings('signal', [...signalIds]);

  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const edge = (source: string, target: string, relation: string): void => {
    if (source !== target) edges.set(`${source}|${relation}|${target}`, { source, target, relation });
  };
  const entityNode = (e: { type: string; id: string; name: string }): string => {
    const key = `${e.type}:${e.id}`;
    if (!nodes.has(key)) nodes.set(key, { id: key, kind: 'entity', type: e.type, label: e.name });
    return key;
  };
  const attackKey = `attack:${attack.id}`;
  nodes.set(attackKey, { id: attackKey, kind: 'attack', type: String(doc['intent']), label: String(doc['name'] ?? doc['intent']) });
  for (const t of threats) {
    const key = `threat:${t.id}`;
    nodes.set(key, { id: key, kind: 'threat', type: 'threat', label: String(t.doc['name']) });
    edge(attackKey, key, 'includes');
    for (const e of entitiesOf(t.doc)) edge(key, entityNode(e), 'involves');
  }
  for (const e of entitiesOf(doc)) entityNode(e);

  // The entities the signals name, then the relations the evidence stated among all of them.
  for (const sig of signals) {
    if (nodes.size >= MAX_NODES) break;
    for (const e of entitiesOf(sig.doc)) if (nodes.size < MAX_NODES) entityNode(e);
  }
  const keys = [...nodes.values()].filter((n) => n.kind === 'entity').map((n) => n.id);
  for (const e of await store.edgesOf(keys, MAX_EDGES_READ)) {
    if (nodes.has(e.src) && nodes.has(e.dst)) edge(e.src, e.dst, e.kind);
  }

  const timeline: TimelineItem[] = [
    ...signals.map((s) => ({ time: String(s.doc['time']), kind: 'signal' as const, id: s.id, title: String(s.doc['rule']), input: s.doc['input'] })),
    ...threats.map((t) => ({ time: String(t.doc['detected_at']), kind: 'threat' as const, id: t.id, title: String(t.doc['name']) })),
    { time: String(doc['detected_at']), kind: 'attack' as const, id: attack.id, title: String(doc['name'] ?? doc['intent']) },
  ].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));

  return {
    attack: doc,
    state: attack.state,
    notes: await store.notes('attack', attack.id),
    threats: threats.map((t) => t.doc),
    signals: signals.map((s) => s.doc),
    graph: { nodes: [...nodes.values()], edges: [...edges.values()] },
    timeline,
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function entitiesOf(doc: Record<string, unknown>): { type: string; id: string; name: string }[] {
  const list = doc['entities'];
  return Array.isArray(list) ? (list as { type: string; id: string; name: string }[]) : [];
}
