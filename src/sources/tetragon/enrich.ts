import { EntitySet, entityKey, type Entity, type Relation } from '../../core/entity.js';
import { asText, isObject, type JsonObject } from '../../core/json.js';
import { MAX_ANCESTORS } from './constants.js';
import { toPlainEvent, type VigilEvent } from '../../core/event.js';
import { addNode, addPlacement, addRelative, processEntity } from './entities.js';
import { placementAdds, type Placement, type ProcessFacts } from './process-fields.js';

/** The lookups enrichment needs; the process tree provides them. */
export interface ProcessLookup {
  get(execId: string): (ProcessFacts & { readonly node?: string; readonly cluster?: string }) | undefined;
  placementOf(execId: string): Placement | undefined;
}

function seeded(entities: readonly Entity[], relations: readonly Relation[]): EntitySet {
  const set = new EntitySet();
  for (const e of entities) set.add(e);
  for (const r of relations) set.relate(r.from, r.kind, r.to);
  return set;
}

/**
 * Process entities the event names only by id (a sparse parent, a field-filtered record) get
 * the name and attributes the table knows. Returns undefined when none changes.
 */
function upgradeProcesses(entities: readonly Entity[], tree: ProcessLookup): Entity[] | undefined {
  let out: Entity[] | undefined;
  entities.forEach((e, i) => {
    if (e.type !== 'process' || e.attrs?.['binary'] !== undefined) return;
    const known = tree.get(e.id);
    if (known?.binary === undefined) return;
    const better = processEntity(known);
    if (better === undefined) return;
    out ??= [...entities];
    out[i] = { ...better, attrs: { ...better.attrs, ...e.attrs } };
  });
  return out;
}

/**
 * The processes of the event that run where `known` says: the subject, and every process the
 * table places in the same container (or pod). Their provisional `runs-in node` (the decoder
 * could not tell them from host processes) is replaced by the workload.
 */
function movedProcesses(event: VigilEvent, tree: ProcessLookup, subjectKey: string, known: Placement): Set<string> {
  const moved = new Set<string>([subjectKey]);
  for (const e of event.entities) {
    if (e.type !== 'process') continue;
    const p = tree.placementOf(e.id);
    const same = known.containerId !== undefined
      ? p?.containerId === known.containerId
      : p?.podName === known.podName && p?.namespace === known.namespace;
    if (same) moved.add(entityKey(e));
  }
  return moved;
}

function withoutNodePlacement(relations: readonly Relation[], moved: ReadonlySet<string>): readonly Relation[] {
  return relations.filter((r) => !(r.kind === 'runs-in' && moved.has(r.from) && r.to.startsWith('node:')));
}

function hasBinary(o: unknown): boolean {
  return isObject(o) && typeof o['binary'] === 'string' && o['binary'] !== '';
}

/**
 * Whether the record already names all that enrichment could add apart from the placement: its
 * node, a parent object, and the binary of every process it names (the subject, the parent, the
 * ancestors the decoder reads). Then its entities have nothing to gain from the table.
 */
function namesEverything(event: VigilEvent): boolean {
  const payload = event.payload;
  if (!isObject(payload)) return false;
  const node = payload['node_name'];
  if (typeof node !== 'string' || node === '') return false;
  const body = payload[event.kind];
  if (!isObject(body) || !hasBinary(body['process']) || !hasBinary(body['parent'])) return false;
  const ancestors = body['ancestors'];
  if (Array.isArray(ancestors)) {
    for (let i = 0; i < ancestors.length && i < MAX_ANCESTORS; i++) if (isObject(ancestors[i]) && !hasBinary(ancestors[i])) return false;
  }
  return true;
}

/**
 * Adds to an event what the table knows about its subject and the event lacks: the container,
 * pod, namespace and image it runs in (its own or inherited from an ancestor), its node, the
 * parent it does not name, and the binaries of processes named only by id. Returns the same
 * event object when there is nothing to add, so the common case allocates nothing.
 */
export function enrichEvent(event: VigilEvent, tree: ProcessLookup, subject: ProcessFacts): VigilEvent {
  const execId = subject.execId;
  if (execId === undefined) return event;
  const known = tree.placementOf(execId);
  const place = placementAdds(known, subject.placement) ? known : undefined;
  // The common cases, decided from the record and the table so the event's entities are not
  // extracted: they are extracted on first read, and most events are never read for them.
  if (place === undefined && (namesEverything(event) || nothingToAdd(event, tree, execId))) return event;
  return enrichFully(event, tree, execId, known, place);
}

/**
 * Whether enrichment would add nothing to an event whose record does not name everything (no
 * parent object: a node agent's own events, whose parent Tetragon does not report): the node is
 * named or the table knows none, the subject names its binary, a parent named by id is not known
 * with a binary, and the table knows no parent the record does not name. Conservative: false
 * sends the event through `enrichFully`, which decides.
 */
export function nothingToAdd(event: VigilEvent, tree: ProcessLookup, execId: string): boolean {
  const payload = event.payload;
  if (!isObject(payload)) return false;
  const body = payload[event.kind];
  if (!isObject(body) || body['ancestors'] !== undefined || !hasBinary(body['process'])) return false;
  const proc = body['process'] as JsonObject;
  const rec = tree.get(execId);
  if (asText(payload['node_name']) === undefined && rec?.node !== undefined) return false;
  const parentObject = body['parent'];
  let namesParent: boolean;
  if (isObject(parentObject)) {
    if (!hasBinary(parentObject)) return false;
    namesParent = asText(parentObject['exec_id']) !== undefined;
  } else {
    const parentId = asText(proc['parent_exec_id']);
    if (parentId !== undefined && (parentId === execId || tree.get(parentId)?.binary !== undefined)) return false;
    namesParent = parentId !== undefined;
  }
  const up = rec?.parentExecId;
  return namesParent || up === undefined || up === execId || tree.get(up) === undefined;
}

/** What enrichEvent adds, worked out from the event's entities (see enrichEvent). */
export function enrichFully(event: VigilEvent, tree: ProcessLookup, execId: string, known: Placement | undefined, place: Placement | undefined): VigilEvent {
  const rec = tree.get(execId);
  const subjectKey = entityKey({ type: 'process', id: execId });
  const nodeEntity = event.entities.find((e) => e.type === 'node');
  const addNodeName = nodeEntity === undefined ? rec?.node : undefined;
  const hasParent = event.relations.some((r) => r.from === subjectKey && r.kind === 'child-of');
  const parentId = hasParent || rec?.parentExecId === execId ? undefined : rec?.parentExecId;
  const parent = parentId === undefined ? undefined : tree.get(parentId);
  const upgraded = upgradeProcesses(event.entities, tree);
  if (place === undefined && addNodeName === undefined && parent === undefined && upgraded === undefined) return event;

  const moved = place === undefined ? undefined : movedProcesses(event, tree, subjectKey, place);
  const set = seeded(upgraded ?? event.entities, moved === undefined ? event.relations : withoutNodePlacement(event.relations, moved));
  let nodeKey = nodeEntity === undefined ? undefined : entityKey(nodeEntity);
  if (addNodeName !== undefined) {
    nodeKey = addNode(set, addNodeName, rec?.cluster);
    if (known === undefined) set.relate(subjectKey, 'runs-in', nodeKey);
  }
  if (place !== undefined && moved !== undefined) {
    const keys = addPlacement(set, place, nodeKey);
    for (const key of moved) set.relate(key, 'runs-in', keys.container ?? keys.pod);
  }
  if (parent !== undefined) set.relate(subjectKey, 'child-of', addRelative(set, parent, nodeKey));
  return { ...toPlainEvent(event), entities: set.entities, relations: set.relations };
}
