import { fileURLToPath } from 'node:url';
import { benchIngest } from '../../bench/ingest-bench.js';
import { messageOf } from '../../core/errors.js';
import type { CliIo } from '../io.js';

const BIN = fileURLToPath(new URL('../../../bin/vigil.js', import.meta.url));

/** `vigil bench ingest`: sustained ingestion load on a real `vigil serve` over loopback. */
export async function benchIngestCommand(
  opts: { json?: boolean; duration?: string; connections?: string; batch?: string },
  records: number,
  io: CliIo,
): Promise<number> {
  const durationS = Number(opts.duration ?? '60');
  const connections = Number(opts.connections ?? '8');
  const batch = Number(opts.batch ?? '100');
  if (![durationS, connections, batch].every((n) => Number.isInteger(n) && n > 0)) {
    io.err('vigil bench ingest: --duration, --connections and --batch must be positive integers\n');
    return 2;
  }
  let r;
  try {
    r = await benchIngest({ bin: BIN, durationS, connections, batch, records, ...(opts.json === true ? {} : { progress: (l: string) => io.err(`${l}\n`) }) });
  } catch (err) {
    io.err(`vigil bench ingest: ${messageOf(err)}\n`);
    return 1;
  }
  if (opts.json === true) {
    io.out(`${JSON.stringify({ target: 'ingest', ...r }, null, 2)}\n`);
  } else {
    const n = (x: number): string => Math.round(x).toLocaleString('en-US');
    io.out(
      [
        `load         ${r.connections} connections for ${r.durationS} s, ${r.batch} records per request (store: ${r.store})`,
        `requests     ${n(r.requests)} (${n(r.requestsPerSec)}/s); answers ${Object.entries(r.statuses).map(([s, c]) => `${s}×${n(c)}`).join(', ')}; connection errors ${r.errors}`,
        `ingested     ${n(r.ackedRecords)} records acknowledged, ${n(r.ackedPerSec)} records/s`,
        `latency      acknowledgement p50 ${r.latencyMs.p50} ms, p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
        `detection    caught up ${r.catchUpS.toFixed(1)} s after the load stopped`,
        `durability   ${n(r.stored)} records stored; lost ${n(Math.max(0, r.lost))}${r.lost < 0 ? ` (${n(-r.lost)} stored without an acknowledgement the client saw)` : ''}`,
        `server       peak RSS ${r.serverPeakRssMb.toFixed(0)} MB`,
        '',
      ].join('\n'),
    );
  }
  return r.lost > 0 ? 1 : 0;
}
