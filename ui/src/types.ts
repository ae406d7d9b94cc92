/** The API's shapes as the UI reads them (contracts.md; items as `analyze --output json`). */

export interface EntityRef {
  readonly type: string;
  readonly id: string;
  readonly name?: string;
}

export type Status = 'open' | 'acknowledged' | 'resolved' | 'false-positive';

interface Finding {
  readonly id: string;
  readonly entities: readonly EntityRef[];
  readonly status: Status;
  readonly assignee: string | null;
}

export interface Attack extends Finding {
  readonly intent: string;
  readonly severity: string;
  readonly score: number;
  readonly techniques: readonly string[];
  readonly tactics: readonly string[];
  readonly first_seen: string;
  readonly last_seen: string;
  readonly detected_at: string;
  readonly threats: readonly string[];
  readonly signals: readonly string[];
  readonly explanation: string;
  readonly name: string;
  readonly rule: string;
  readonly key: string;
  readonly updates?: number;
}

export interface Threat extends Finding {
  readonly name: string;
  readonly techniques: readonly string[];
  readonly tactics: readonly string[];
  readonly severity: string;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly detected_at: string;
  readonly signals: readonly string[];
  readonly threats?: readonly string[];
  readonly explanation?: string;
  readonly rule?: string;
  readonly key?: string;
}

export interface InputRef {
  readonly path: string;
  readonly line?: number;
  readonly index?: number;
}

export interface Signal extends Finding {
  readonly rule: string;
  readonly source: string;
  readonly priority: string;
  readonly time: string;
  readonly tags: readonly string[];
  readonly techniques: readonly string[];
  readonly output: string;
  readonly input?: InputRef;
  readonly event_id?: string;
}

export interface GraphNode {
  readonly id: string;
  readonly kind: 'attack' | 'threat' | 'entity';
  readonly type: string;
  readonly label: string;
}

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly relation: string;
}

export interface TimelineItem {
  readonly time: string;
  readonly kind: 'signal' | 'threat' | 'attack';
  readonly id: string;
  readonly title: string;
  readonly input?: InputRef;
}

export interface Note {
  readonly id: number;
  readonly author: string;
  readonly text: string;
  readonly createdMs: number;
}

export interface Story {
  readonly attack: Attack;
  readonly notes: readonly Note[];
  readonly threats: readonly Threat[];
  readonly signals: readonly Signal[];
  readonly graph: { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] };
  readonly timeline: readonly TimelineItem[];
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export interface StoredRecordView {
  readonly seq: number;
  readonly source: string;
  readonly received_at: string;
  readonly record: unknown;
}

export interface EntityView {
  readonly key: string;
  readonly type: string;
  readonly id: string;
  readonly name: string;
  readonly first_seen: string;
  readonly last_seen: string;
}

export interface EntityEdge {
  readonly source: string;
  readonly relation: string;
  readonly target: string;
  readonly first_seen: string;
  readonly last_seen: string;
}

export interface EntityDetail {
  readonly entity: EntityView;
  readonly edges: readonly EntityEdge[];
  readonly attacks: readonly Attack[];
  readonly threats: readonly Threat[];
  readonly signals: readonly Signal[];
}

export interface Overview {
  readonly since: string;
  readonly until: string;
  readonly funnel: { readonly events: number; readonly signals: number; readonly threats: number; readonly attacks: number };
  readonly attacks: {
    readonly by_intent: Readonly<Record<string, number>>;
    readonly by_severity: Readonly<Record<string, number>>;
    readonly by_status: Readonly<Record<string, number>>;
    readonly by_intent_severity: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
  readonly sources: readonly {
    readonly source: string;
    readonly records: number;
    readonly accepted_since_start: number;
    readonly rejected_since_start: number;
    readonly per_minute: number;
    readonly last_seen: string | null;
  }[];
  readonly detection: { readonly ready: boolean; readonly backlog: number };
}

export interface RuleInfo {
  readonly name: string;
  readonly kind: 'signal' | 'threat' | 'attack';
  readonly source: string;
  readonly severity: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly file: string;
  readonly line: number;
  readonly fired: number;
}

export interface Coverage {
  readonly attack_version: string;
  readonly tactics: readonly {
    readonly id: string;
    readonly shortname: string;
    readonly name: string;
    readonly techniques: readonly { readonly id: string; readonly name: string; readonly rules: readonly string[]; readonly fired: number }[];
  }[];
}

export interface Me {
  readonly name: string;
  readonly role: 'ingest' | 'viewer' | 'analyst' | 'admin';
}
