/**
 * `--output ocsf`: each signal as an OCSF Detection Finding (class 2004, activity Create), one
 * JSON object per line, the form SIEMs and security data lakes ingest. Threats and attacks
 * become findings of their own when the correlation stages produce them.
 *
 * Mapping (OCSF 1.4.0): the rule is the finding's title and its analytic (type Rule); Falco's
 * priority becomes `severity_id`; ATT&CK technique tags become `finding_info.attacks` with
 * names and tactics from Vigil's ATT&CK catalogue (the tactic the rule's `mitre_*` tags name,
 * else the technique's first); entities become `resources`; the original record is the
 * evidence's `data`, with the event id as its `uid`. What OCSF has no place for (rule source,
 * tags, input position) is under `unmapped.vigil`.
 */
import { ATTACK_VERSION, tactic, technique, type Tactic } from '../../core/attack.js';
import type { Priority, Signal } from '../../core/signal.js';

export const OCSF_VERSION = '1.4.0';

/** Falco priority → OCSF severity_id and its caption. */
const SEVERITY: Readonly<Record<Priority, readonly [number, string]>> = {
  Emergency: [6, 'Fatal'],
  Alert: [5, 'Critical'],
  Critical: [5, 'Critical'],
  Error: [4, 'High'],
  Warning: [3, 'Medium'],
  Notice: [2, 'Low'],
  Informational: [1, 'Informational'],
  Debug: [1, 'Informational'],
};

export interface OcsfProduct {
  readonly name: string;
  readonly version: string;
}

/** The tactics a rule's tags name (`mitre_credential_access` → credential-access). */
function taggedTactics(tags: readonly string[]): Tactic[] {
  const out: Tactic[] = [];
  for (const t of tags) {
    if (!t.startsWith('mitre_')) continue;
    const found = tactic(t.slice(6).replaceAll('_', '-'));
    if (found !== undefined) out.push(found);
  }
  return out;
}

function attackOf(id: string, tagged: readonly Tactic[]): Record<string, unknown> {
  const t = technique(id);
  if (t === undefined) return { technique: { uid: id }, version: ATTACK_VERSION };
  const chosen = t.tactics.find((x) => tagged.includes(x)) ?? t.tactics[0];
  const parent = t.parent === undefined ? undefined : technique(t.parent);
  return {
    ...(t.parent === undefined
      ? { technique: { uid: t.id, name: t.name } }
      : { technique: { uid: t.parent, ...(parent === undefined ? {} : { name: parent.name }) }, sub_technique: { uid: t.id, name: t.name } }),
    ...(chosen === undefined ? {} : { tactic: { uid: chosen.id, name: chosen.name } }),
    version: ATTACK_VERSION,
  };
}

/** One signal as an OCSF Detection Finding. */
export function signalToOcsf(s: Signal, product: OcsfProduct): Record<string, unknown> {
  const [severityId, severity] = SEVERITY[s.priority];
  const tagged = taggedTactics(s.tags);
  // OCSF timestamps are whole epoch milliseconds; the nanoseconds stay in original_time.
  const ms = Math.floor(s.timeMs);
  return {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: severityId,
    severity,
    status_id: 1,
    status: 'New',
    is_alert: true,
    // The finding is created at the time of the event that raised it.
    time: ms,
    message: s.output ?? s.rule,
    metadata: {
      version: OCSF_VERSION,
      product: { name: product.name, vendor_name: product.name, version: product.version },
      uid: s.id,
      original_time: s.time,
    },
    finding_info: {
      uid: s.id,
      title: s.rule,
      ...(s.output === undefined ? {} : { desc: s.output }),
      analytic: { name: s.rule, type_id: 1, type: 'Rule', category: s.source },
      ...(s.techniques.length === 0 ? {} : { attacks: s.techniques.map((id) => attackOf(id, tagged)) }),
      data_sources: [s.source],
      first_seen_time: ms,
      last_seen_time: ms,
    },
    ...(s.entities.length === 0 ? {} : { resources: s.entities.map((e) => ({ uid: e.id, name: e.name, type: e.type })) }),
    ...(s.evidence === undefined ? {} : { evidences: [{ uid: s.eventId, data: s.evidence }] }),
    unmapped: { vigil: { source: s.source, priority: s.priority, tags: s.tags, event_id: s.eventId, input: s.input } },
  };
}

/** `--output ocsf`: one Detection Finding per line, in signal order. */
export function signalsToOcsfLines(signals: readonly Signal[], product: OcsfProduct): string {
  let out = '';
  for (const s of signals) out += `${JSON.stringify(signalToOcsf(s, product))}\n`;
  return out;
}
