/**
 * Entities are the things events name (a container, a pod, an AWS role, an IP...). Correlation
 * joins on entity keys, never on strings that happen to match, so every source must build the
 * same key for the same thing: use the `create*` helpers below, which canonicalise ids.
 */

/** The entity types of contracts.md, plus the few more that the sources can name precisely. */
export const ENTITY_TYPES = [
  'container',
  'pod',
  'namespace',
  'node',
  'cluster',
  'image',
  'process',
  'file',
  'user',
  'k8s-user',
  'k8s-serviceaccount',
  'k8s-object',
  'aws-account',
  'aws-principal',
  'aws-access-key',
  'aws-role',
  'ec2-instance',
  's3-bucket',
  's3-object',
  'ip',
  'domain',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

/** An entity as it appears in events and in every output (contracts.md `Entity`). */
export interface Entity {
  readonly type: EntityType;
  /** Canonical id, unique within the type (see `entityKey`). */
  readonly id: string;
  /** Human-readable name; equals `id` when there is nothing better. */
  readonly name: string;
  /** A few facts that identify it further (image digest, pid, ARN...), all strings. */
  readonly attrs?: Readonly<Record<string, string>>;
}

/** How two entities of one event relate, read as "from <kind> to": `process runs-in container`. */
export const RELATION_KINDS = [
  'runs-in', // process -> container, container -> pod, pod -> node, node -> cluster
  'child-of', // process -> parent process
  'in-namespace', // pod/serviceaccount/object -> namespace
  'runs-image', // container -> image
  'runs-as', // pod -> serviceaccount, process -> user
  'assumes', // principal/session -> role
  'session-of', // session -> ec2 instance (an instance role's session name is the instance id)
  'key-of', // access key -> principal
  'member-of', // principal/role/bucket -> aws account
  'acts-as', // k8s user impersonating another
  'targets', // actor -> object acted on (bucket, k8s object, file)
  'from-ip', // actor -> source IP
  'connects-to', // process -> remote IP / domain
  'contains', // bucket -> object
  'same-as', // two names of one thing: a Kubernetes node and its EC2 instance
] as const;

export type RelationKind = (typeof RELATION_KINDS)[number];

/** A directed edge between two entity keys, as stated by one event. */
export interface Relation {
  readonly from: string;
  readonly kind: RelationKind;
  readonly to: string;
}

/** The stable key of an entity: `type:id`. */
export function entityKey(e: Pick<Entity, 'type' | 'id'>): string {
  return `${e.type}:${e.id}`;
}

export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && (ENTITY_TYPES as readonly string[]).includes(value);
}

/** Builds an entity; `name` defaults to the id, empty attrs are dropped. */
export function createEntity(
  type: EntityType,
  id: string,
  name?: string,
  attrs?: Record<string, string>,
): Entity {
  const e: { type: EntityType; id: string; name: string; attrs?: Record<string, string> } = {
    type,
    id,
    name: name === undefined || name === '' ? id : name,
  };
  if (attrs !== undefined && hasKeys(attrs)) e.attrs = attrs;
  return e;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** 1 for the ASCII hex digits (either case), by character code. */
const HEX_DIGIT: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const ch of '0123456789abcdefABCDEF') t[ch.charCodeAt(0)] = 1;
  return t;
})();

/**
 * Whether `s` from `start` on is all hex digits. A table lookup and no branch per character:
 * digits and letters alternate at random in an id, and a branch on which one it is mispredicts
 * half the time, which made this check three times slower.
 */
export function isHexFrom(s: string, start: number): boolean {
  let ok = 1;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    ok &= c < 128 ? (HEX_DIGIT[c] as number) : 0;
  }
  return ok === 1;
}

/**
 * Container ids come as `containerd://<64 hex>`, `docker://…`, 64 hex, or Falco's 12-hex short
 * id; Tetragon's `docker` field has 31 characters. The canonical id is the first 12 hex digits,
 * the only part every source shows, so runtime events and Falco alerts meet on one key.
 */
export function canonicalContainerId(raw: string): string {
  const scheme = raw.indexOf('://');
  const start = scheme >= 0 ? scheme + 3 : 0;
  // Lowercasing only what is kept: the result is the same as lowercasing the whole id first.
  if (raw.length - start <= 12 || !isHexFrom(raw, start)) return (start === 0 ? raw : raw.slice(start)).toLowerCase();
  return raw.slice(start, start + 12).toLowerCase();
}

/** `namespace/name`, the id of namespaced Kubernetes objects (pods, service accounts). */
export function namespacedId(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

/**
 * Images are keyed by repository and tag (`docker.io/library/nginx:1.25`); a bare name gets the
 * `:latest` tag and Docker Hub's implicit `docker.io/library/` prefix, so `nginx` and
 * `docker.io/library/nginx:latest` are one image. A digest, when known, goes to attrs. Undefined
 * when the reference has no repository.
 */
export function canonicalImage(raw: string): { id: string; digest?: string } | undefined {
  let ref = raw;
  let digest: string | undefined;
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = ref.slice(at + 1);
    ref = ref.slice(0, at);
  }
  // A reference with no repository (`@sha256:…`, `:tag`) names no image.
  if (ref === '' || ref.startsWith(':')) return undefined;
  const slash = ref.indexOf('/');
  if (digest === undefined && ref.lastIndexOf(':') <= ref.lastIndexOf('/')) ref = `${ref}:latest`;
  if (slash < 0) {
    ref = `docker.io/library/${ref}`;
  } else {
    const first = ref.slice(0, slash);
    const isRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
    if (!isRegistry) ref = `docker.io/${ref}`;
  }
  return digest === undefined ? { id: ref } : { id: ref, digest };
}

/**
 * Collects the entities and relations of one event without duplicates, so normalizers can add
 * freely. Not shared between events.
 */
export class EntitySet {
  readonly entities: Entity[] = [];
  readonly relations: Relation[] = [];
  // Keys in the order of `entities`. Events name a dozen entities at most, so a linear scan
  // beats a Map (no hashing of long ARN keys, one allocation less per event).
  readonly #keys: string[] = [];

  /** Adds the entity (first one wins, later attrs are merged in) and returns its key. */
  add(e: Entity): string {
    const key = `${e.type}:${e.id}`;
    const at = this.#keys.indexOf(key);
    if (at < 0) {
      this.#keys.push(key);
      this.entities.push(e);
    } else if (e.attrs !== undefined) {
      const old = this.entities[at] as Entity;
      this.entities[at] = { ...old, attrs: { ...e.attrs, ...old.attrs } };
    }
    return key;
  }

  has(key: string): boolean {
    return this.#keys.includes(key);
  }

  relate(from: string | undefined, kind: RelationKind, to: string | undefined): void {
    if (from === undefined || to === undefined || from === to) return;
    for (const r of this.relations) if (r.from === from && r.kind === kind && r.to === to) return;
    this.relations.push({ from, kind, to });
  }
}
