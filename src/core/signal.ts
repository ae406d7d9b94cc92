import type { Entity } from './entity.js';
import type { Origin } from './event.js';

/** Falco's priorities, most severe first. */
export const PRIORITIES = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Maps any spelling Falco or falcosidekick uses (`warning`, `INFO`, `Info`) to the canonical one. */
export function parsePriority(raw: string): Priority | undefined {
  return PRIORITY_BY_NAME.get(raw) ?? PRIORITY_BY_NAME.get(raw.toLowerCase());
}

const PRIORITY_BY_NAME: ReadonlyMap<string, Priority> = new Map<string, Priority>([
  ...PRIORITIES.map((p) => [p, p] as const),
  ...PRIORITIES.map((p) => [p.toLowerCase(), p] as const),
  ['info', 'Informational'],
]);

/**
 * A suspicious activity (contracts.md `signals[]`): one detection on one event. `source` is the
 * rule source (`syscall`, `k8s_audit`, `aws_cloudtrail`...) for rule and Falco signals, or
 * `anomaly` / `intel`.
 */
export interface Signal {
  readonly id: string;
  readonly rule: string;
  readonly source: string;
  readonly priority: Priority;
  readonly time: string;
  readonly timeMs: number;
  readonly tags: readonly string[];
  readonly entities: readonly Entity[];
  readonly techniques: readonly string[];
  readonly input: Origin;
  /** The normalized event it was raised on. */
  readonly eventId: string;
  /** The rendered output text (Falco's `output`), when there is one. */
  readonly output?: string;
  /** The evidence: the original record the signal was raised on, as parsed. */
  readonly evidence?: unknown;
  /** For behavioural signals: what was new or unusual, against which baseline, and how much. */
  readonly anomaly?: AnomalyDetail;
  /** For threat-intelligence signals: the indicator matched and where it comes from. */
  readonly intel?: IntelDetail;
}

/** The indicator an `intel` signal matched. */
export interface IntelDetail {
  /** What in the event matched: an address, `address:port`, a host, a URL, a hash. */
  readonly observable: string;
  readonly type: string;
  readonly value: string;
  readonly feed: string;
  /** 0–100. */
  readonly confidence: number;
  readonly labels: readonly string[];
  readonly description?: string;
}

/** What a behavioural (`anomaly`) signal measured; also what an analyst's feedback names. */
export interface AnomalyDetail {
  /** The profile's key: `workload:shop/docker.io/acme/storefront`, `principal:arn:aws:…`. */
  readonly profile: string;
  /** The profile's feature: `exec`, `lineage`, `destination`, `network`, `agent`, `api`, `volume`… */
  readonly feature: string;
  /** The value that was new or unusual. */
  readonly value: string;
  /** 0–1: how stable the profile was and how rare the value is among its peers. */
  readonly score: number;
  /** What it was measured against, in words: "first time in 41 days", "38× the hourly median". */
  readonly baseline: string;
}

const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;

/** ATT&CK technique ids among rule tags (Falco tags them as `T1059.004`, `mitre_...` for tactics). */
export function techniquesFromTags(tags: readonly string[]): string[] {
  return tags.filter((t) => TECHNIQUE.test(t));
}
