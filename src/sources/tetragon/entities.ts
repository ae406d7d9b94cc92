import { createEntity, entityKey, namespacedId, type EntitySet } from '../../core/entity.js';
import { isIP } from 'node:net';
import { MAX_CMDLINE } from './constants.js';
import type { Placement, ProcessFacts } from './process-fields.js';

/**
 * Entity builders shared by the decoder and the process tree's enrichment, so an entity the tree
 * adds later is the very one the decoder would have built from a complete record.
 */

/** Adds the node (and its cluster) and returns the node key. */
export function addNode(set: EntitySet, node: string | undefined, cluster: string | undefined): string | undefined {
  if (node === undefined) return undefined;
  const nodeKey = set.add(createEntity('node', node));
  if (cluster !== undefined) set.relate(nodeKey, 'runs-in', set.add(createEntity('cluster', cluster)));
  return nodeKey;
}

/** Keys of the workload entities a placement produced. */
export interface PlacementKeys {
  readonly container?: string;
  readonly pod?: string;
}

function addPod(set: EntitySet, p: Placement, podName: string, nodeKey: string | undefined): string {
  const attrs: Record<string, string> = {};
  if (p.workload !== undefined) attrs['workload'] = p.workload;
  if (p.workloadKind !== undefined) attrs['workloadKind'] = p.workloadKind;
  if (p.podUid !== undefined) attrs['uid'] = p.podUid;
  const podKey = set.add(createEntity('pod', namespacedId(p.namespace, podName), podName, attrs));
  if (p.namespace !== undefined) set.relate(podKey, 'in-namespace', set.add(createEntity('namespace', p.namespace)));
  set.relate(podKey, 'runs-in', nodeKey);
  return podKey;
}

/**
 * Container, pod, namespace and image of a placement with their relations. A container without a
 * pod (plain Docker) runs directly on the node.
 */
export function addPlacement(set: EntitySet, p: Placement, nodeKey: string | undefined): PlacementKeys {
  const podKey = p.podName === undefined ? undefined : addPod(set, p, p.podName, nodeKey);
  if (p.containerId === undefined) return { pod: podKey };
  const attrs: Record<string, string> = {};
  if (p.containerFullId !== undefined && p.containerFullId !== p.containerId) attrs['fullId'] = p.containerFullId;
  const containerKey = set.add(createEntity('container', p.containerId, p.containerName, attrs));
  set.relate(containerKey, 'runs-in', podKey ?? nodeKey);
  if (p.image !== undefined) {
    const imageAttrs: Record<string, string> = {};
    if (p.imageDigest !== undefined) imageAttrs['digest'] = p.imageDigest;
    set.relate(containerKey, 'runs-image', set.add(createEntity('image', p.image, p.image, imageAttrs)));
  }
  return { container: containerKey, pod: podKey };
}

function baseName(binary: string): string {
  const slash = binary.lastIndexOf('/');
  return slash >= 0 && slash < binary.length - 1 ? binary.slice(slash + 1) : binary;
}

/** The process entity (id = exec_id), or undefined when the object has no exec_id. */
export function processEntity(f: ProcessFacts): ReturnType<typeof createEntity> | undefined {
  if (f.execId === undefined) return undefined;
  const attrs: Record<string, string> = {};
  if (f.pid !== undefined) attrs['pid'] = String(f.pid);
  if (f.binary !== undefined) {
    attrs['binary'] = f.binary;
    const cmd = f.arguments === undefined ? f.binary : `${f.binary} ${f.arguments}`;
    attrs['cmdline'] = cmd.length > MAX_CMDLINE ? cmd.slice(0, MAX_CMDLINE) : cmd;
  }
  if (f.cwd !== undefined) attrs['cwd'] = f.cwd;
  if (f.uid !== undefined) attrs['uid'] = String(f.uid);
  return createEntity('process', f.execId, f.binary === undefined ? undefined : baseName(f.binary), attrs);
}

function addUser(set: EntitySet, f: ProcessFacts): string | undefined {
  if (f.userName !== undefined) {
    return set.add(createEntity('user', f.userName, f.userName, f.uid === undefined ? undefined : { uid: String(f.uid) }));
  }
  return f.uid === undefined ? undefined : set.add(createEntity('user', `uid:${f.uid}`));
}

/**
 * The subject process of an event with where it runs and as whom. A process in no container
 * runs on the node. Returns its key, undefined without an exec_id.
 */
export function addSubject(set: EntitySet, f: ProcessFacts, nodeKey: string | undefined): string | undefined {
  const e = processEntity(f);
  if (e === undefined) return undefined;
  const key = set.add(e);
  const placed = f.placement === undefined ? {} : addPlacement(set, f.placement, nodeKey);
  set.relate(key, 'runs-in', placed.container ?? placed.pod ?? nodeKey);
  set.relate(key, 'runs-as', addUser(set, f));
  addMetadataRole(set, f, key);
  return key;
}

/** `…/latest/meta-data/iam/security-credentials/ROLE` in a command line (IAM role names: 1–64 of `\w+=,.@-`). */
const IMDS_ROLE = /\/meta-data\/iam\/security-credentials\/([\w+=,.@-]{1,64})/;

/**
 * The role whose credentials a process asks the instance-metadata service for: the identity
 * graph's link from a process to the role that the stolen credentials then act as in
 * CloudTrail. The account is not in the request, so the entity is named by the role's name
 * (correlation joins it with `aws-role.name`) and its id says where it was seen.
 */
function addMetadataRole(set: EntitySet, f: ProcessFacts, key: string): void {
  const args = f.arguments;
  if (args === undefined || !args.includes('security-credentials/')) return;
  const m = IMDS_ROLE.exec(args);
  if (m === null || m[1] === undefined) return;
  set.relate(key, 'targets', set.add(createEntity('aws-role', `imds:${m[1]}`, m[1], { via: 'instance-metadata' })));
}

/**
 * A relative of the subject (parent, ancestor): only its process entity, placed only when it
 * shares a container already in the event or runs on the host, so an event never gains the
 * workload of another container.
 */
export function addRelative(set: EntitySet, f: ProcessFacts, nodeKey: string | undefined): string | undefined {
  const e = processEntity(f);
  if (e === undefined) return undefined;
  const key = set.add(e);
  const containerId = f.placement?.containerId;
  if (containerId !== undefined) {
    const containerKey = entityKey({ type: 'container', id: containerId });
    if (set.has(containerKey)) set.relate(key, 'runs-in', containerKey);
  } else if (f.placement === undefined) {
    set.relate(key, 'runs-in', nodeKey);
  }
  return key;
}

/**
 * Tetragon paths come from d_path and are absolute; old agents dropped the leading slash
 * (`etc/passwd`), restored here so they join the same file seen elsewhere.
 */
export function addFile(set: EntitySet, path: string, actorKey: string | undefined): void {
  const abs = path.startsWith('/') ? path : `/${path}`;
  set.relate(actorKey, 'targets', set.add(createEntity('file', abs)));
}

const UNSPECIFIED: ReadonlySet<string> = new Set(['0.0.0.0', '::']);

/** A remote address the process talks to; anything not a real, specified IP is ignored. */
export function addRemoteIp(set: EntitySet, raw: string, actorKey: string | undefined): void {
  const addr = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(addr) === 0 || UNSPECIFIED.has(addr)) return;
  set.relate(actorKey, 'connects-to', set.add(createEntity('ip', addr)));
}
