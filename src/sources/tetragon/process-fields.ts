import { canonicalContainerId, canonicalImage } from '../../core/entity.js';
import { asNumber, asObject, asText, type JsonObject } from '../../core/json.js';

/**
 * Where a process runs, as Tetragon names it. Shared by the decoder (entities of one event) and
 * the process tree (remembered across events), so both build the same entity keys.
 */
export interface Placement {
  /** Canonical (12 hex) container id. */
  readonly containerId?: string;
  /** The longest container id seen, without the runtime scheme. */
  readonly containerFullId?: string;
  readonly containerName?: string;
  readonly podName?: string;
  readonly namespace?: string;
  readonly podUid?: string;
  readonly workload?: string;
  readonly workloadKind?: string;
  /** Canonical image id (`canonicalImage`). */
  readonly image?: string;
  readonly imageDigest?: string;
}

/** The facts of one Tetragon `Process` object that Vigil uses; everything else stays in payload. */
export interface ProcessFacts {
  readonly execId?: string;
  readonly pid?: number;
  readonly uid?: number;
  readonly userName?: string;
  readonly binary?: string;
  readonly arguments?: string;
  readonly cwd?: string;
  readonly startTime?: string;
  readonly parentExecId?: string;
  /** Undefined when the object names neither a container nor a pod (a host process). */
  readonly placement?: Placement;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;

/** `docker-pullable://nginx@sha256:…` → `nginx@sha256:…`. */
function withoutScheme(raw: string): string {
  return raw.includes('://') ? raw.replace(SCHEME, '') : raw;
}

/**
 * The image from `container.image`: the tagged `name` is the key other sources also show; the
 * `id` (repo@digest, or a bare `sha256:` digest) supplies the digest.
 */
function readImage(image: JsonObject | undefined): { image?: string; imageDigest?: string } {
  const name = asText(image?.['name']);
  const id = asText(image?.['id']);
  const idRef = id === undefined ? undefined : withoutScheme(id);
  const idDigest = idRef === undefined ? undefined : digestOf(idRef);
  const ref = name ?? (idRef !== undefined && !idRef.startsWith('sha256:') ? idRef : undefined);
  if (ref === undefined) return idDigest === undefined ? {} : { imageDigest: idDigest };
  const c = canonicalImage(withoutScheme(ref));
  if (c === undefined) return idDigest === undefined ? {} : { imageDigest: idDigest };
  const digest = c.digest ?? idDigest;
  return digest === undefined ? { image: c.id } : { image: c.id, imageDigest: digest };
}

function digestOf(ref: string): string | undefined {
  if (ref.startsWith('sha256:')) return ref;
  const at = ref.indexOf('@');
  return at >= 0 ? ref.slice(at + 1) : undefined;
}

/** The placement of a process object: `pod{…container{…}}` or, outside Kubernetes, `docker`. */
export function readPlacement(process: JsonObject): Placement | undefined {
  const pod = asObject(process['pod']);
  const container = asObject(pod?.['container']);
  const rawId = asText(container?.['id']) ?? asText(process['docker']);
  const podName = asText(pod?.['name']);
  if (rawId === undefined && podName === undefined) return undefined;
  const fullId = rawId === undefined ? undefined : withoutScheme(rawId);
  return {
    containerId: rawId === undefined ? undefined : canonicalContainerId(rawId),
    containerFullId: fullId,
    containerName: asText(container?.['name']),
    podName,
    namespace: asText(pod?.['namespace']),
    podUid: asText(pod?.['uid']),
    workload: asText(pod?.['workload']),
    workloadKind: asText(pod?.['workload_kind']),
    ...readImage(asObject(container?.['image'])),
  };
}

/** Reads one `Process` object (64-bit and wrapper numbers may come as strings). */
export function readProcess(process: JsonObject): ProcessFacts {
  return {
    execId: asText(process['exec_id']),
    pid: asNumber(process['pid']),
    uid: asNumber(process['uid']),
    userName: asText(asObject(process['user'])?.['name']),
    binary: asText(process['binary']),
    arguments: asText(process['arguments']),
    cwd: asText(process['cwd']),
    startTime: asText(process['start_time']),
    parentExecId: asText(process['parent_exec_id']),
    placement: readPlacement(process),
  };
}

/**
 * A relative (parent, ancestor) as one event shows it: identity and container only. The decoder
 * never adds a relative's pod or image, so it skips reading them (the hot path); the process
 * tree reads relatives in full with `readProcess` until it knows their pod. With `known`, the
 * placement the tree holds, an object in that very container and pod takes `known` itself.
 */
export function readRelative(process: JsonObject, known?: Placement): ProcessFacts {
  const pod = asObject(process['pod']);
  const rawId = asText(asObject(pod?.['container'])?.['id']) ?? asText(process['docker']);
  const podName = asText(pod?.['name']);
  const containerId = rawId === undefined ? undefined : canonicalContainerId(rawId);
  // Where the object names the very container and pod of `known`, `known` is its placement.
  const same = known !== undefined && known.containerId === containerId && known.podName === podName;
  const placement = same ? known : rawId === undefined && podName === undefined ? undefined : { containerId, podName };
  return {
    execId: asText(process['exec_id']),
    pid: asNumber(process['pid']),
    uid: asNumber(process['uid']),
    binary: asText(process['binary']),
    arguments: asText(process['arguments']),
    cwd: asText(process['cwd']),
    parentExecId: asText(process['parent_exec_id']),
    placement,
  };
}

function longest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  return b !== undefined && b.length > a.length ? b : a;
}

/**
 * What a new sighting (`newer`) and what was known (`older`) say together: the newer values win
 * and the older fill its gaps, unless they name different containers, when only the newer counts
 * (a pod of one container must never be pinned on another).
 */
export function mergePlacement(newer: Placement | undefined, older: Placement | undefined): Placement | undefined {
  if (newer === undefined) return older;
  if (older === undefined) return newer;
  if (newer === older || (newer.containerId !== undefined && older.containerId !== undefined && newer.containerId !== older.containerId)) {
    return newer;
  }
  // The usual case (a container's pod as its processes already carry it): nothing to add, and
  // nothing to allocate on every event that asks where its process runs.
  if (!adds(newer, older)) return newer;
  return {
    containerId: newer.containerId ?? older.containerId,
    containerFullId: longest(newer.containerFullId, older.containerFullId),
    containerName: newer.containerName ?? older.containerName,
    podName: newer.podName ?? older.podName,
    namespace: newer.namespace ?? older.namespace,
    podUid: newer.podUid ?? older.podUid,
    workload: newer.workload ?? older.workload,
    workloadKind: newer.workloadKind ?? older.workloadKind,
    image: newer.image ?? older.image,
    imageDigest: newer.imageDigest ?? older.imageDigest,
  };
}

/** Whether `older` knows a fact `newer` lacks (or a longer container id): what a merge would add. */
function adds(newer: Placement, older: Placement): boolean {
  return (
    (older.containerId !== undefined && newer.containerId === undefined) ||
    (older.containerFullId !== undefined && (newer.containerFullId === undefined || older.containerFullId.length > newer.containerFullId.length)) ||
    (older.containerName !== undefined && newer.containerName === undefined) ||
    (older.podName !== undefined && newer.podName === undefined) ||
    (older.namespace !== undefined && newer.namespace === undefined) ||
    (older.podUid !== undefined && newer.podUid === undefined) ||
    (older.workload !== undefined && newer.workload === undefined) ||
    (older.workloadKind !== undefined && newer.workloadKind === undefined) ||
    (older.image !== undefined && newer.image === undefined) ||
    (older.imageDigest !== undefined && newer.imageDigest === undefined)
  );
}

/** Whether `known` names something (container, pod, image) that `seen` lacks. */
export function placementAdds(known: Placement | undefined, seen: Placement | undefined): boolean {
  if (known === undefined) return false;
  if (seen === undefined) return known.containerId !== undefined || known.podName !== undefined;
  if (known.containerId !== undefined && seen.containerId !== undefined && known.containerId !== seen.containerId) {
    return false;
  }
  return (
    (known.containerId !== undefined && seen.containerId === undefined) ||
    (known.podName !== undefined && seen.podName === undefined) ||
    (known.image !== undefined && seen.image === undefined)
  );
}
