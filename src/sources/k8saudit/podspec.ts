import { canonicalImage, createEntity, type EntitySet } from '../../core/entity.js';
import { isObject, obj, str, type JsonObject } from '../../core/json.js';
import { addServiceAccount } from './identity.js';

/** Verbs whose request body is (part of) a pod: the pod the cluster is asked to run. */
const WRITE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch']);
/** Pod subresources whose body is a Pod; `binding` is handled on its own. */
const POD_BODY_SUBRESOURCES: ReadonlySet<string> = new Set(['ephemeralcontainers']);
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
/** Bound on containers read per list, so a hostile body cannot make decoding expensive. */
const MAX_CONTAINERS = 64;

/** The `spec` of a Pod body (a patch has no `kind`, so an absent kind is accepted). */
function podSpecOf(body: unknown): JsonObject | undefined {
  if (!isObject(body)) return undefined;
  const kind = body['kind'];
  return kind === undefined || kind === 'Pod' ? obj(body, 'spec') : undefined;
}

/** Adds the images of the spec's containers; returns how many it found. */
function addImages(set: EntitySet, pod: string, spec: JsonObject | undefined): number {
  let found = 0;
  for (const list of CONTAINER_LISTS) {
    const containers = spec?.[list];
    if (!Array.isArray(containers)) continue;
    const n = Math.min(containers.length, MAX_CONTAINERS);
    for (let i = 0; i < n; i++) {
      const c: unknown = containers[i];
      const ref = isObject(c) ? str(c, 'image') : undefined;
      if (ref === undefined) continue;
      const image = canonicalImage(ref);
      if (image === undefined) continue;
      const attrs = image.digest === undefined ? undefined : { digest: image.digest };
      set.relate(pod, 'runs-image', set.add(createEntity('image', image.id, image.id, attrs)));
      found++;
    }
  }
  return found;
}

/** Links the pod to its node; a Binding (`pods/binding`, the scheduler's decision) names it as its target. */
function addNode(set: EntitySet, pod: string, node: string | undefined): void {
  if (node !== undefined) set.relate(pod, 'runs-in', set.add(createEntity('node', node)));
}

/**
 * For a request that writes a pod (create/update/patch of `pods`, `pods/ephemeralcontainers`,
 * `pods/binding`): the images it runs, its service account and its node. The request body says
 * what was asked; the response body (the stored pod) fills in what the request left to defaults,
 * such as the `default` service account, or the full spec behind a patch.
 */
export function addPodSpec(
  set: EntitySet,
  pod: string,
  namespace: string | undefined,
  event: { verb: string | undefined; subresource: string | undefined; record: JsonObject },
): void {
  if (event.verb === undefined || !WRITE_VERBS.has(event.verb)) return;
  const request = event.record['requestObject'];
  if (event.subresource === 'binding') {
    addNode(set, pod, isObject(request) ? str(obj(request, 'target'), 'name') : undefined);
    return;
  }
  if (event.subresource !== undefined && !POD_BODY_SUBRESOURCES.has(event.subresource)) return;
  const asked = podSpecOf(request);
  const stored = podSpecOf(event.record['responseObject']);
  if (asked === undefined && stored === undefined) return;
  if (addImages(set, pod, asked) === 0) addImages(set, pod, stored);
  const account = str(asked, 'serviceAccountName') ?? str(stored, 'serviceAccountName');
  if (account !== undefined && namespace !== undefined) {
    set.relate(pod, 'runs-as', addServiceAccount(set, namespace, account));
  }
  addNode(set, pod, str(asked, 'nodeName') ?? str(stored, 'nodeName'));
}
