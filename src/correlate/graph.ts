/**
 * The identity graph (architecture.md): how the entities events name relate, across layers:
 * process → container → pod → node; node ≡ EC2 instance (a kubelet's audit identity names
 * both); instance → its role sessions → role; access key → principal; pod → service account.
 * Correlation joins through it when an input does not name the key's entity itself: a runtime
 * signal names its pod and node, and the graph finds the node's instance and the sessions
 * CloudTrail shows acting for it.
 *
 * Bounded: at most `maxNodes` entities (the least recently stated go first, approximately:
 * CLOCK) and a few dozen links each; walks go only through identity and placement relations
 * (placement only upward), never through hubs that join everything (a cluster, an account, an
 * image, a uid, an address).
 */
import { ClockMap, type ClockEntry } from '../core/clock-map.js';
import type { Entity, EntityType, Relation, RelationKind } from '../core/entity.js';

/** Relations that say "the same actor, seen at another layer". */
const WALKED: ReadonlySet<RelationKind> = new Set<RelationKind>(['runs-in', 'runs-as', 'assumes', 'session-of', 'key-of', 'acts-as', 'same-as']);
/** Entity types a walk may pass through. */
const THROUGH: ReadonlySet<string> = new Set(['process', 'container', 'pod', 'node', 'ec2-instance', 'aws-principal', 'aws-role', 'aws-access-key', 'k8s-user', 'k8s-serviceaccount']);
const MAX_LINKS = 32;

/**
 * Relations walked only the way they point: from a process up to its container, pod and node,
 * from a pod to its service account. Walked down, a node would lead to any of its containers,
 * and a service account to any pod using it: not the same actor.
 */
const UPWARD_ONLY: ReadonlySet<RelationKind> = new Set<RelationKind>(['runs-in', 'runs-as']);

interface Link {
  readonly kind: RelationKind;
  /** Stated from this entity to the other (not the reverse of another's statement). */
  readonly forward: boolean;
}

interface GraphNode extends ClockEntry {
  entity: Entity | undefined;
  readonly links: Map<string, Link>;
}

function typeOf(key: string): string {
  return key.slice(0, key.indexOf(':'));
}

export class IdentityGraph {
  /**
   * The entities, evicted with CLOCK when over the bound (core/clock-map.ts): an entity stated
   * again is marked, not moved. One `Map` kept in least-recent order, moving an entry to the
   * back on every statement and deleting the front when full, made V8 walk the deleted slots to
   * find the front: full at 200 000 entities, a statement cost 66 µs, and a run that filled the
   * graph slowed to a crawl.
   */
  readonly #nodes = new ClockMap<GraphNode>();
  readonly #maxNodes: number;

  constructor(options: { readonly maxNodes?: number } = {}) {
    this.#maxNodes = Math.max(1, options.maxNodes ?? 200_000);
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** Learns the relations one event states (both directions: a walk follows either). */
  add(entities: readonly Entity[], relations: readonly Relation[]): void {
    let named: Map<string, Entity> | undefined;
    for (const r of relations) {
      if (!WALKED.has(r.kind) || !THROUGH.has(typeOf(r.from)) || !THROUGH.has(typeOf(r.to))) continue;
      named ??= new Map(entities.map((e) => [`${e.type}:${e.id}`, e]));
      this.#link(r.from, r.to, { kind: r.kind, forward: true }, named.get(r.from));
      this.#link(r.to, r.from, { kind: r.kind, forward: false }, named.get(r.to));
    }
  }

  #link(from: string, to: string, link: Link, entity: Entity | undefined): void {
    let n = this.#nodes.get(from);
    if (n === undefined) {
      n = { entity, links: new Map(), seen: false, clock: 0 };
      this.#nodes.set(from, n);
      if (this.#nodes.size > this.#maxNodes) this.#nodes.evictUnseen();
    } else {
      n.seen = true;
    }
    if (entity !== undefined) n.entity = entity;
    if (n.links.get(to)?.forward === true) return;
    if (!n.links.has(to) && n.links.size >= MAX_LINKS) n.links.delete(n.links.keys().next().value as string);
    n.links.set(to, link);
  }

  /**
   * Entities of `type` reachable from `start` (entity keys) in at most `depth` steps, nearest
   * first. The starting entities themselves are not returned.
   */
  reach(start: readonly string[], type: EntityType, depth = 4): Entity[] {
    const seen = new Set<string>(start);
    let frontier = start.filter((k) => this.#nodes.get(k) !== undefined);
    const found: Entity[] = [];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const k of frontier) {
        for (const [to, link] of this.#nodes.get(k)?.links ?? []) {
          if (seen.has(to) || (!link.forward && UPWARD_ONLY.has(link.kind))) continue;
          seen.add(to);
          if (typeOf(to) === type) {
            const e = this.#nodes.get(to)?.entity;
            found.push(e ?? { type, id: to.slice(type.length + 1), name: to.slice(type.length + 1) });
          } else {
            next.push(to);
          }
        }
      }
      if (found.length > 0) return found;
      frontier = next;
    }
    return found;
  }
}
