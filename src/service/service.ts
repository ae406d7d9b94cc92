/**
 * The live service in one process: the store, detection, the processor that feeds it from the
 * stored log, ingestion, the live-stream hub and the HTTP API, started and stopped in order.
 */

import type { FastifyInstance } from 'fastify';
import { buildServer } from '../api/server.js';
import { systemClock, type Clock } from '../core/time.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/port.js';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../transports/body.js';
import { LiveDetection, subjectOf, type DetectionOptions } from './detection.js';
import { Hub } from './hub.js';
import { Ingestor } from './ingest.js';
import { Processor } from './processor.js';
import { ensureAdminToken } from './tokens.js';
import { Watcher } from './watch.js';

export interface ServiceConfig {
  readonly host: string;
  /** 0 for an ephemeral port (tests). */
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl?: string | undefined;
  /** PostgreSQL schema of its own (tests). */
  readonly databaseSchema?: string;
  /** `VIGIL_API_TOKEN`: an admin token to accept. */
  readonly apiToken?: string | undefined;
  readonly detection?: DetectionOptions;
  readonly limits?: BodyLimits;
  readonly logger?: boolean | { level: string };
  readonly clock?: Clock;
  readonly heartbeatMs?: number;
  readonly maxBacklog?: number;
  readonly https?: { key: Buffer; cert: Buffer };
  /** The built web UI to serve at `/` (default: the repository's `ui/dist`). */
  readonly uiDir?: string;
  /** Folders of telemetry files to take in as they land (`--watch`). */
  readonly watch?: readonly string[];
  /** Watch polling and settle times (tests make them short). */
  readonly watchTiming?: { readonly intervalMs: number; readonly settleMs: number };
  /** How long raw records are kept once processed (ms); 0 keeps them forever. Default 7 days. */
  readonly retentionMs?: number;
}

export const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;
/** How often processed records past the retention are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;

export interface RunningService {
  readonly url: string;
  readonly port: number;
  /** The admin token made on first start, to print once; undefined otherwise. */
  readonly createdToken: string | undefined;
  /** The SQLite data folder (unused on PostgreSQL). */
  readonly dataDir: string;
  readonly store: Store;
  readonly processor: Processor;
  readonly app: FastifyInstance;
  readonly watcher: Watcher | undefined;
  /** Loads the rules again (files may have changed); on errors the running rules stay. */
  reload(): Promise<ReloadResult>;
  close(): Promise<void>;
}

export type ReloadResult =
  | { readonly ok: true; readonly signalRules: number; readonly correlationRules: number; readonly replayed: number }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Problems loading the rules or opening the store: the service does not start. */
export class StartError extends Error {}

export async function startService(config: ServiceConfig): Promise<RunningService> {
  const clock = config.clock ?? systemClock;
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }) });
  try {
    await store.lockWriter();
    return await startOn(store, config, clock);
  } catch (err) {
    // Nothing half-started is left behind: the store (a PostgreSQL pool keeps a process alive).
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function startOn(store: Store, config: ServiceConfig, clock: Clock): Promise<RunningService> {
  const problems: string[] = [];
  const detection = await LiveDetection.create({ ...config.detection, clock }, { err: (t) => problems.push(t.trimEnd()) });
  if (detection === undefined) throw new StartError(problems.join('\n'));
  const applySuppressions = async (d: LiveDetection): Promise<void> => {
    const all = await store.listSuppressions();
    d.clearSuppressions();
    for (const x of all) d.suppress(x, x.kind === 'signal' ? anomalyOf((await store.getFinding('signal', x.findingId))?.doc) : undefined);
  };
  await applySuppressions(detection);
  const hub = new Hub();
  let reloading: Promise<ReloadResult> | undefined;
  const reload = (): Promise<ReloadResult> => {
    // One reload at a time; a second request while one runs gets the same answer.
    reloading ??= (async (): Promise<ReloadResult> => {
      const found: string[] = [];
      const next = await LiveDetection.create({ ...config.detection, clock }, { err: (t) => found.push(t.trimEnd()) });
      if (next === undefined) return { ok: false, problems: found };
      await applySuppressions(next);
      // Suppressions added or lifted while the new rules caught up are applied again after the swap.
      const replayed = await processor.replace(next, () => applySuppressions(next));
      logTo.app?.log.info({ signalRules: next.rules.signalRules, correlationRules: next.rules.correlationRules, replayed }, 'rules reloaded');
      return { ok: true, signalRules: next.rules.signalRules, correlationRules: next.rules.correlationRules, replayed };
    })().finally(() => {
      reloading = undefined;
    });
    return reloading;
  };
  // The processor logs through the server's logger, which exists only once the server is built.
  const logTo: { app?: FastifyInstance } = {};
  const log = {
    info: (obj: object, msg: string) => logTo.app?.log.info(obj, msg),
    error: (obj: object, msg: string) => logTo.app?.log.error(obj, msg),
  };
  const processor = new Processor(store, detection, hub, log);
  const ingestor = new Ingestor(store, processor, clock, config.maxBacklog === undefined ? {} : { maxBacklog: config.maxBacklog });
  const token = await ensureAdminToken(store, config.apiToken, clock.nowMs());
  const app = await buildServer(
    {
      store,
      ingestor,
      processor,
      hub,
      clock,
      limits: config.limits ?? DEFAULT_BODY_LIMITS,
      stats: () => {
        const d = processor.detection;
        const c = d.correlationStats;
        return { correlation_keys: c.keys, correlation_held_inputs: c.held, identity_graph_entities: c.graph, process_tree_entries: d.processTreeSize };
      },
      ready: () => processor.started,
      reload,
      ruleWarnings: () => processor.detection.ruleWarnings,
      falsePositive: async (kind, finding, actor) => {
        const doc = finding.doc;
        const rule = String(doc['rule'] ?? '');
        const entities = Array.isArray(doc['entities']) ? (doc['entities'] as { type: string; id: string }[]) : [];
        const subject = kind === 'signal' ? subjectOf(entities) : String(doc['key'] ?? '');
        if (rule === '' || subject === '') return undefined;
        const suppression = { kind, rule, subject, findingId: finding.id, actor, createdMs: clock.nowMs() };
        await store.addSuppression(suppression);
        processor.detection.suppress(suppression, anomalyOf(doc));
        return { rule, subject };
      },
      unsuppress: async (id) => {
        const found = (await store.listSuppressions()).find((x) => x.id === id);
        if (found === undefined || !(await store.removeSuppression(id))) return false;
        processor.detection.unsuppress(found);
        return true;
      },
      maxClientBacklog: 8 * 1024 * 1024,
      heartbeatMs: config.heartbeatMs ?? 15_000,
    },
    { ...(config.logger === undefined ? {} : { logger: config.logger }), ...(config.https === undefined ? {} : { https: config.https }), ...(config.uiDir === undefined ? {} : { uiDir: config.uiDir }) },
  );
  logTo.app = app;
  for (const p of problems) app.log.warn(p);
  try {
    await processor.start();
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const watcher = (config.watch ?? []).length === 0
    ? undefined
    : new Watcher(config.watch ?? [], ingestor, store, app.log, { limits: config.limits ?? DEFAULT_BODY_LIMITS, ...config.watchTiming });
  watcher?.start();
  const retentionMs = config.retentionMs ?? DEFAULT_RETENTION_MS;
  const prune = async (): Promise<void> => {
    try {
      const dropped = await store.pruneRecords(clock.nowMs() - retentionMs, processor.processedSeq);
      if (dropped > 0) app.log.info({ dropped }, 'records past the retention deleted');
    } catch (err) {
      app.log.error({ err }, 'pruning records failed');
    }
  };
  const pruner = retentionMs > 0 ? setInterval(() => void prune(), PRUNE_EVERY_MS) : undefined;
  pruner?.unref();
  if (retentionMs > 0) await prune();
  let closing: Promise<void> | undefined;
  return {
    url: `${config.https === undefined ? 'http' : 'https'}://${hostForUrl}:${port}`,
    port,
    createdToken: token.created,
    dataDir: config.dataDir,
    store,
    processor,
    app,
    watcher,
    reload,
    close: () => {
      closing ??= (async () => {
        // Stop taking requests (in-flight ones finish), let detection catch up with what was
        // acknowledged, then close the store: nothing acknowledged is left unprocessed.
        if (pruner !== undefined) clearInterval(pruner);
        await watcher?.stop();
        await app.close();
        await processor.stop();
        await store.close();
      })();
      return closing;
    },
  };
}

/** The anomaly an analyst's false positive teaches the baselines (replays lose it otherwise). */
function anomalyOf(doc: Record<string, unknown> | undefined): { profile: string; feature: string; value: string } | undefined {
  const a = doc?.['anomaly'] as { profile?: unknown; feature?: unknown; value?: unknown } | undefined;
  return a !== undefined && typeof a.profile === 'string' && typeof a.feature === 'string' && typeof a.value === 'string'
    ? { profile: a.profile, feature: a.feature, value: a.value }
    : undefined;
}
