/**
 * Falco alerts (and falcosidekick payloads) to Vigil events: kind `alert`, action the rule name,
 * entities from the `output_fields` the rule printed, chosen by the rule source.
 *
 * Id: Falco alerts have no id of their own (sidekick's `uuid` is random per delivery), so it is
 * derived from source, rule, time, hostname and the start of `output`. Only the first
 * `OUTPUT_ID_CHARS` characters of the output count: falcosidekick cuts long strings to 507
 * *bytes* + `[...]` when a payload exceeds 4 KiB, and 64 UTF-16 units always fit in 507 bytes
 * of UTF-8, so a truncated sidekick copy gets the same id as Falco's own line. The ids differ
 * only if one form lacks `hostname` or `output` that the other has (sidekick drops an empty
 * hostname, which Falco never prints).
 */
import { EntitySet } from '../../core/entity.js';
import type { DecodeContext } from '../../core/decoder.js';
import { createEvent, type DecodeResult } from '../../core/event.js';
import { stableId } from '../../core/hash.js';
import type { JsonObject } from '../../core/json.js';
import { addCloudTrailEntities, addGcpEntities, addGithubEntities, addOktaEntities } from './entities-cloud.js';
import { addK8sAuditEntities } from './entities-k8s.js';
import { addSyscallEntities } from './entities-syscall.js';
import { readHeader, type AlertHeader } from './header.js';

export const ID_PREFIX = 'falco-';

const OUTPUT_ID_CHARS = 64;

type EntityReader = (set: EntitySet, fields: JsonObject | undefined, hostname: string | undefined) => void;

/** Entity readers per rule source (a Map, so a source named `constructor` finds nothing). */
const READERS: ReadonlyMap<string, EntityReader> = new Map<string, EntityReader>([
  ['syscall', addSyscallEntities],
  ['k8s_audit', (set, f) => addK8sAuditEntities(set, f)],
  ['aws_cloudtrail', (set, f) => addCloudTrailEntities(set, f)],
  ['okta', (set, f) => addOktaEntities(set, f)],
  ['github', (set, f) => addGithubEntities(set, f)],
  ['gcp_auditlog', (set, f) => addGcpEntities(set, f)],
]);

export function decodeAlert(record: JsonObject, ctx: DecodeContext): DecodeResult {
  const read = readHeader(record);
  if ('result' in read) return read.result;
  const h = read.header;
  const fields = { id: alertId(h), source: 'falco', kind: 'alert', action: h.rule, time: h.time.iso, timeMs: h.time.ms, observedMs: ctx.observedMs, payload: record, origin: ctx.origin } as const;
  return { ok: true, event: createEvent(fields, () => alertEntities(h)) };
}

/** The entities the alert's output fields name, read by rule source. */
function alertEntities(h: AlertHeader): EntitySet {
  const set = new EntitySet();
  READERS.get(h.source)?.(set, h.fields, h.hostname);
  return set;
}

/** Same alert, same id, in Falco's and falcosidekick's form (see the module comment). */
export function alertId(h: AlertHeader): string {
  return stableId(ID_PREFIX, [h.source, h.rule, h.time.iso, h.hostname, h.output?.slice(0, OUTPUT_ID_CHARS)]);
}
