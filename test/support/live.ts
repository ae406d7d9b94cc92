/**
 * Helpers for tests of the live service: turning a simulation's telemetry folder into the
 * requests real agents send, in the order a live service receives them, and reading the SSE
 * stream.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface IngestRequest {
  /** URL segment: falco, k8s-audit, cloudtrail, tetragon. */
  readonly endpoint: string;
  readonly body: Buffer | string;
  readonly contentType: string;
  readonly gzip: boolean;
  /** Records it holds. */
  readonly records: number;
  /** When a live service would get it (event time of its last record, plus CloudTrail's delivery delay). */
  readonly arrivesMs: number;
}

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out.sort();
}

function timeOf(o: Record<string, unknown>): number {
  const t = o['time'] ?? o['requestReceivedTimestamp'] ?? o['eventTime'];
  return typeof t === 'string' ? Date.parse(t) : Number.NaN;
}

/**
 * The requests agents would send for a `vigil simulate` telemetry folder: Tetragon export lines
 * in JSON-lines bodies, audit events in `EventList` bodies (as the API server's webhook batches
 * them), each CloudTrail file gzip-compressed as delivered to S3 (five minutes after its last
 * record), each Falco alert alone in falcosidekick's webhook payload. Sorted by arrival.
 */
export async function agentRequests(telemetry: string, batch = 100): Promise<IngestRequest[]> {
  const out: IngestRequest[] = [];
  for (const f of await files(telemetry)) {
    if (f.endsWith('.json.gz')) {
      const raw = await readFile(f);
      const doc = JSON.parse(gunzipSync(raw).toString('utf8')) as { Records: Record<string, unknown>[] };
      const last = Math.max(...doc.Records.map(timeOf));
      out.push({ endpoint: 'cloudtrail', body: raw, contentType: 'application/json', gzip: true, records: doc.Records.length, arrivesMs: last + 5 * 60_000 });
      continue;
    }
    const lines = (await readFile(f, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    if (f.includes('/falco/')) {
      for (const line of lines) {
        const alert = JSON.parse(line) as Record<string, unknown>;
        const sidekick = { uuid: `${String(alert['rule'])}-${String(alert['time'])}`, output: alert['output'], priority: alert['priority'], rule: alert['rule'], time: alert['time'], output_fields: alert['output_fields'], source: alert['source'], tags: alert['tags'], hostname: alert['hostname'] };
        out.push({ endpoint: 'falco', body: JSON.stringify(sidekick), contentType: 'application/json', gzip: false, records: 1, arrivesMs: timeOf(alert) });
      }
      continue;
    }
    const audit = f.includes('/k8s-audit/');
    for (let i = 0; i < lines.length; i += batch) {
      const slice = lines.slice(i, i + batch);
      const last = timeOf(JSON.parse(slice[slice.length - 1] as string) as Record<string, unknown>);
      out.push(
        audit
          ? { endpoint: 'k8s-audit', body: `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${slice.join(',')}]}`, contentType: 'application/json', gzip: false, records: slice.length, arrivesMs: last }
          : { endpoint: 'tetragon', body: `${slice.join('\n')}\n`, contentType: 'application/x-ndjson', gzip: false, records: slice.length, arrivesMs: last },
      );
    }
  }
  return out.sort((a, b) => a.arrivesMs - b.arrivesMs);
}

export async function post(base: string, token: string, r: IngestRequest): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/v1/ingest/${r.endpoint}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': r.contentType, ...(r.gzip ? { 'Content-Encoding': 'gzip' } : {}) },
    body: r.body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface SseEvent {
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

/** Reads a server-sent-events stream into `events` until `abort` is called. */
export function readStream(url: string, token: string, headers: Record<string, string> = {}): { events: SseEvent[]; opened: Promise<void>; abort: () => void; done: Promise<void> } {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  let opened!: () => void;
  const openedP = new Promise<void>((r) => {
    opened = r;
  });
  const done = (async () => {
    try {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', ...headers }, signal: controller.signal });
      if (res.body === null) throw new Error(`no stream body (HTTP ${res.status})`);
      opened();
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let id = '';
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ id, event, data: data.join('\n') });
        }
      }
    } catch (err) {
      if ((err as { name?: string }).name !== 'AbortError') throw err;
    }
  })();
  return { events, opened: openedP, abort: () => controller.abort(), done };
}

/** The stores the API suites run against: the embedded default and the machine's PostgreSQL. */
export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];
