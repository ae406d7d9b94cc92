/**
 * An attack's story (contracts.md `GET /api/v1/attacks/{id}`): the attack, its threats (and the
 * threats they were built on), its signals, an entity graph and a timeline. The graph's links
 * are the relations the evidence records themselves state (process runs-in container, pod
 * on node...), read back from the stored records, plus which finding names which entity.
 */

import type { Entity, Relation } from '../core/entity.js';
import type { VigilEvent } from '../core/event.js';
import { systemClock } from '../core/time.js';
import { createRecordDecoder, type Decoded, type RecordDecoder } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import type { SourceKind } from '../core/event.js';
import type { AnalystState, Note, Store, StoredFinding } from '../store/port.js';
import { INGEST_SOURCES } from './detection.js';

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

/** How many evidence records a story reads back for their relations. */
const MAX_EVIDENCE_READ = 500;

export function storyDecoders(): Map<SourceKind, RecordDecoder> {
  return new Map(INGEST_SOURCES.map((s) => [s, createRecordDecoder({ decoders: builtinDecoders, format: s, clock: systemClock, withState: false })]));
}

export async function buildStory(store: Store, attack: StoredFinding, decoders: ReadonlyMap<SourceKind, RecordDecoder>): Promise<Story> {
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

  let read = 0;
  for (const s of signals) {
    const input = s.doc['input'] as { path?: unknown; line?: unknown } | undefined;
    if (read >= MAX_EVIDENCE_READ || input === undefined || typeof input.line !== 'number' || typeof input.path !== 'string') continue;
    const source = input.path.startsWith('ingest/') ? (input.path.slice(7) as SourceKind) : undefined;
    const decoder = source === undefined ? undefined : decoders.get(source);
    if (decoder === undefined) continue;
    const record = await store.getRecord(input.line);
    if (record === undefined) continue;
    read++;
    const out: Decoded[] = [];
    decoder.decodeText(record.text, { path: input.path, line: input.line }, out);
    for (const d of out) if (d.type === 'event') addRelations(d.event, entityNode, edge);
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

function addRelations(event: VigilEvent, node: (e: Entity) => string, edge: (a: string, b: string, r: string) => void): void {
  const byKey = new Map<string, Entity>();
  for (const e of event.entities) byKey.set(`${e.type}:${e.id}`, e);
  for (const r of event.relations as readonly Relation[]) {
    const from = byKey.get(r.from);
    const to = byKey.get(r.to);
    if (from !== undefined && to !== undefined) edge(node(from), node(to), r.kind);
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function entitiesOf(doc: Record<string, unknown>): { type: string; id: string; name: string }[] {
  const list = doc['entities'];
  return Array.isArray(list) ? (list as { type: string; id: string; name: string }[]) : [];
}
