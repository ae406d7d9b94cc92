/**
 * Load on the live service: a real `vigil serve` in a child process (its own core), loaded over
 * loopback by autocannon with request bodies in the agents' formats (Tetragon JSON lines, audit
 * EventLists, gzip CloudTrail files, Falco alert arrays) for a fixed time. Reports acknowledged
 * records per second, acknowledgement latency, back-pressure answers, how long detection took to
 * catch up, and whether every acknowledged record is stored (lost = acknowledged − stored).
 */

import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateWorkload } from './workload.js';

export interface IngestBenchOptions {
  /** `bin/vigil.js`, to start the server with. */
  readonly bin: string;
  readonly durationS: number;
  readonly connections: number;
  /** Records per request. */
  readonly batch: number;
  /** Distinct records generated (requests cycle through them). */
  readonly records: number;
  readonly progress?: (line: string) => void;
}

export interface IngestBenchResult {
  readonly durationS: number;
  readonly connections: number;
  readonly batch: number;
  readonly requests: number;
  readonly requestsPerSec: number;
  readonly ackedRecords: number;
  readonly ackedPerSec: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly statuses: Record<string, number>;
  readonly errors: number;
  /** Seconds detection took, after the load stopped, to process everything acknowledged. */
  readonly catchUpS: number;
  readonly stored: number;
  readonly lost: number;
  readonly serverPeakRssMb: number;
  readonly store: string;
}

interface Body {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Request bodies of `batch` records per source, in the formats the agents send. */
export function ingestBodies(records: number, batch: number): Body[] {
  const { lines, streams } = generateWorkload(records);
  const bySource = new Map<string, string[]>();
  for (let i = 0; i < lines.length; i++) {
    const s = streams[i] as string;
    const list = bySource.get(s) ?? [];
    list.push(lines[i] as string);
    bySource.set(s, list);
  }
  const out: Body[] = [];
  const take = (source: string): string[][] => {
    const list = bySource.get(source) ?? [];
    const chunks: string[][] = [];
    for (let i = 0; i < list.length; i += batch) chunks.push(list.slice(i, i + batch));
    return chunks;
  };
  const json = { 'Content-Type': 'application/json' };
  const tetragon = take('tetragon').map((c) => ({ path: '/api/v1/ingest/tetragon', headers: { 'Content-Type': 'application/x-ndjson' }, body: Buffer.from(`${c.join('\n')}\n`) }));
  const audit = take('k8saudit').map((c) => ({ path: '/api/v1/ingest/k8s-audit', headers: json, body: Buffer.from(`{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[${c.join(',')}]}`) }));
  const cloud = take('cloudtrail').map((c) => ({ path: '/api/v1/ingest/cloudtrail', headers: { ...json, 'Content-Encoding': 'gzip' }, body: gzipSync(`{"Records":[${c.join(',')}]}`) }));
  const falco = take('falco').map((c) => ({ path: '/api/v1/ingest/falco', headers: json, body: Buffer.from(`[${c.join(',')}]`) }));
  // Interleaved, as four agents sending at once.
  const lists = [tetragon, audit, cloud, falco];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i] as Body);
  return out;
}

async function metrics(url: string, token: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const [name, value] = line.split(' ');
    const base = (name ?? '').replace(/\{.*\}$/, '');
    out.set(base, (out.get(base) ?? 0) + Number(value));
  }
  return out;
}

export async function benchIngest(o: IngestBenchOptions): Promise<IngestBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-ingest-'));
  const token = `vgl_${randomBytes(24).toString('base64url')}`;
  const bodies = ingestBodies(o.records, o.batch);
  const child = spawn(process.execPath, [o.bin, 'serve', '--port', '0', '--data', join(dir, 'data'), '--log-level', 'warn'], {
    env: { ...process.env, VIGIL_API_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        const m = /listening on (http:\/\/\S+) \(store: (\w+)\)/.exec(err);
        if (m?.[1] !== undefined) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`vigil serve exited (${String(code)}): ${err}`)));
    });
    o.progress?.(`bench ingest: ${bodies.length} request bodies of ${o.batch} records; ${o.connections} connections for ${o.durationS} s against ${url}…`);
    let next = 0;
    let acked = 0;
    const statuses: Record<string, number> = {};
    const result = await autocannon({
      url,
      connections: o.connections,
      duration: o.durationS,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const b = bodies[next++ % bodies.length] as Body;
            return { ...req, path: b.path, headers: { ...b.headers, Authorization: `Bearer ${token}` }, body: b.body };
          },
          onResponse: (status, body) => {
            statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
            if (status === 202) acked += (JSON.parse(body) as { accepted: number }).accepted;
          },
        },
      ],
    });
    const stopped = Date.now();
    let m = await metrics(url, token);
    while ((m.get('vigil_detection_backlog') ?? 0) > 0) {
      await new Promise((r) => setTimeout(r, 200));
      m = await metrics(url, token);
    }
    const catchUpS = (Date.now() - stopped) / 1000;
    const stored = m.get('vigil_records_stored') ?? 0;
    const status = await readFile(`/proc/${String(child.pid)}/status`, 'utf8').catch(() => '');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return {
      durationS: result.duration,
      connections: o.connections,
      batch: o.batch,
      requests: result.requests.total,
      requestsPerSec: result.requests.total / result.duration,
      ackedRecords: acked,
      ackedPerSec: acked / result.duration,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      statuses,
      errors: result.errors,
      catchUpS,
      stored,
      lost: acked - stored,
      serverPeakRssMb: hwm?.[1] === undefined ? 0 : Number(hwm[1]) / 1024,
      store: 'sqlite',
    };
  } finally {
    child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  }
}
