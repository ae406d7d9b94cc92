/**
 * Replays time-ordered records to a running server through its ingestion API, event time
 * compressed by a speed factor: what ten minutes of an environment sent arrives in one minute
 * at speed 10. Each source's records of a tick go in one request, in the body its real agent
 * sends (Tetragon and Falco JSON lines, an audit `EventList`, a CloudTrail `{"Records"}`).
 */

import type { SourceKind } from '../core/event.js';
import type { TimedRecord } from './telemetry.js';

export interface ReplayOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** Event-time milliseconds per wall-clock millisecond. */
  readonly speed: number;
  /** How often records are sent (wall-clock ms). */
  readonly tickMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReplayProgress) => void;
}

export interface ReplayProgress {
  readonly sent: number;
  readonly total: number;
  readonly eventTimeMs: number;
  readonly rejected: number;
}

const PATHS: Readonly<Record<SourceKind, string>> = { tetragon: 'tetragon', falco: 'falco', k8saudit: 'k8s-audit', cloudtrail: 'cloudtrail' };

function body(source: SourceKind, texts: readonly string[]): { readonly type: string; readonly text: string } {
  if (source === 'k8saudit') return { type: 'application/json', text: `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${texts.join(',')}]}` };
  if (source === 'cloudtrail') return { type: 'application/json', text: `{"Records":[${texts.join(',')}]}` };
  return { type: 'application/x-ndjson', text: `${texts.join('\n')}\n` };
}

/** Records per request: well inside the server's default body limits (16 MB, 50 000 records). */
const MAX_PER_REQUEST = 2000;

/**
 * Sends one source's records; retries when the server answers 503 (it asks for time: nothing
 * was stored). A dropped connection is not retried: the records may have been stored already.
 */
async function post(options: ReplayOptions, source: SourceKind, texts: readonly string[]): Promise<number> {
  const b = body(source, texts);
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${options.baseUrl}/api/v1/ingest/${PATHS[source]}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': b.type },
      body: b.text,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (res.status === 202) return ((await res.json()) as { rejected: number }).rejected;
    const text = await res.text();
    if (res.status !== 503 || attempt >= 30) throw new Error(`ingestion of ${texts.length} ${source} record(s) answered ${res.status}: ${text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}

/** Sends every record when its (compressed) time comes; resolves when all are acknowledged. */
export async function replay(records: readonly TimedRecord[], options: ReplayOptions): Promise<ReplayProgress> {
  const first = records[0]?.timeMs ?? 0;
  const tick = options.tickMs ?? 250;
  const t0 = Date.now();
  let next = 0;
  let rejected = 0;
  while (next < records.length) {
    if (options.signal?.aborted === true) break;
    const horizon = first + (Date.now() - t0) * options.speed;
    const bySource = new Map<SourceKind, string[]>();
    while (next < records.length && (records[next] as TimedRecord).timeMs <= horizon) {
      const r = records[next] as TimedRecord;
      let list = bySource.get(r.source);
      if (list === undefined) bySource.set(r.source, (list = []));
      list.push(r.text);
      next++;
    }
    for (const [source, texts] of bySource) {
      for (let i = 0; i < texts.length; i += MAX_PER_REQUEST) rejected += await post(options, source, texts.slice(i, i + MAX_PER_REQUEST));
    }
    options.onProgress?.({ sent: next, total: records.length, eventTimeMs: Math.min(horizon, records[records.length - 1]?.timeMs ?? horizon), rejected });
    if (next < records.length) await new Promise((r) => setTimeout(r, tick));
  }
  return { sent: next, total: records.length, eventTimeMs: records[Math.max(0, next - 1)]?.timeMs ?? first, rejected };
}
