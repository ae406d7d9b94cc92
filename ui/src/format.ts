/** Display helpers: times, counts, severities and ATT&CK tactic names. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const INTENTS = ['cryptojacking', 'data-exfiltration', 'data-destruction', 'ransomware', 'container-escape'] as const;
export const STATUSES = ['open', 'acknowledged', 'resolved', 'false-positive'] as const;

/** The Enterprise tactics in kill-chain order (shortname, label). */
export const TACTICS: readonly (readonly [string, string])[] = [
  ['reconnaissance', 'Reconnaissance'],
  ['resource-development', 'Resource Development'],
  ['initial-access', 'Initial Access'],
  ['execution', 'Execution'],
  ['persistence', 'Persistence'],
  ['privilege-escalation', 'Privilege Escalation'],
  ['defense-evasion', 'Defense Evasion'],
  ['credential-access', 'Credential Access'],
  ['discovery', 'Discovery'],
  ['lateral-movement', 'Lateral Movement'],
  ['collection', 'Collection'],
  ['command-and-control', 'Command and Control'],
  ['exfiltration', 'Exfiltration'],
  ['impact', 'Impact'],
];

export function tacticLabel(shortname: string): string {
  return TACTICS.find(([s]) => s === shortname)?.[1] ?? shortname;
}

export function intentLabel(intent: string): string {
  return intent.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Falco priorities and Vigil severities on one scale, for colour. */
export function severityClass(s: string): string {
  const x = s.toLowerCase();
  if (x === 'critical' || x === 'emergency' || x === 'alert') return 'critical';
  if (x === 'high' || x === 'error') return 'high';
  if (x === 'medium' || x === 'warning') return 'medium';
  if (x === 'low' || x === 'notice') return 'low';
  return 'info';
}

export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function relativeTime(iso: string | null | undefined, nowMs = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const ms = nowMs - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return iso;
  const s = Math.round(ms / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function count(n: number): string {
  return n.toLocaleString();
}

/** Periods the overview and lists offer, as a `since` relative to now. */
export const PERIODS: readonly { readonly key: string; readonly label: string; readonly ms: number | null }[] = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { key: 'all', label: 'All time', ms: null },
];

export function sinceOf(periodKey: string): string | undefined {
  const p = PERIODS.find((x) => x.key === periodKey);
  return p?.ms == null ? undefined : new Date(Date.now() - p.ms).toISOString();
}
