import type { Clock } from '../core/time.js';
import type { Hub } from '../service/hub.js';
import type { Ingestor } from '../service/ingest.js';
import type { Processor } from '../service/processor.js';
import type { BodyLimits } from '../transports/body.js';
import type { FindingKind, Role, Store, StoredFinding } from '../store/port.js';

/** What the HTTP layer is given: it holds no state of its own beyond per-connection streams. */
export interface ApiDeps {
  readonly store: Store;
  readonly ingestor: Ingestor;
  readonly processor: Processor;
  readonly hub: Hub;
  readonly clock: Clock;
  readonly limits: BodyLimits;
  /** Facts for `/metrics` beyond the processor's counts. */
  readonly stats: () => Record<string, number>;
  readonly ready: () => boolean;
  /** What loading the running rules warned about (unused lists and macros…). */
  readonly ruleWarnings: () => readonly string[];
  /** Reloads the rules, validated before they replace the running ones. */
  readonly reload: () => Promise<{ ok: true; signalRules: number; correlationRules: number; replayed: number } | { ok: false; problems: readonly string[] }>;
  /**
   * An analyst marked a finding a false positive: the same rule on the same subject is suppressed
   * from then on (anomalies also teach their baseline). What was suppressed, or undefined when
   * the finding names nothing to key on.
   */
  readonly falsePositive: (kind: FindingKind, finding: StoredFinding, actor: string) => Promise<{ rule: string; subject: string } | undefined>;
  /** Lifts a suppression; whether there was one with this id. */
  readonly unsuppress: (id: number) => Promise<boolean>;
  /** SSE: messages a slow client may have waiting before it is dropped. */
  readonly maxClientBacklog: number;
  readonly heartbeatMs: number;
}

/** Who is calling, once the bearer token is checked. */
export interface Caller {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}
