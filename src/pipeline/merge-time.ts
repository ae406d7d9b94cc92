/**
 * Merges several decoded streams (one per input file) into one in event-time order, as the
 * telemetry happened. Offline analysis must not depend on the order files are named in: an
 * hour of CloudTrail read before the runtime events of that hour would look hours late to the
 * correlation stage, and baselines would learn a workload's day twice over. Each stream is
 * roughly in time order already (agents write as they go); what disorder remains inside a file
 * (CloudTrail shuffles records within its delivery files) is what allowed lateness is for.
 *
 * A k-way merge on the time of each stream's next event, with a binary heap: errors and
 * skipped records pass through as soon as they reach the head of their stream.
 */
import { BATCH_RECORDS } from './batch.js';
import type { Decoded } from './record-decoder.js';

interface Head {
  readonly index: number;
  readonly it: AsyncIterator<Decoded[]>;
  batch: Decoded[];
  pos: number;
}

/** Event time of the head's next item; -Infinity for a non-event (emitted first). */
function timeOf(h: Head): number {
  const d = h.batch[h.pos] as Decoded;
  return d.type === 'event' ? d.event.timeMs : Number.NEGATIVE_INFINITY;
}

function before(a: Head, b: Head): boolean {
  const ta = timeOf(a);
  const tb = timeOf(b);
  return ta < tb || (ta === tb && a.index < b.index);
}

class HeadHeap {
  readonly #items: Head[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(h: Head): void {
    const a = this.#items;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i] as Head, a[p] as Head)) break;
      [a[i], a[p]] = [a[p] as Head, a[i] as Head];
      i = p;
    }
  }

  peek(): Head | undefined {
    return this.#items[0];
  }

  /** Restores the heap after the top's next item changed, or removes the top when its stream ended. */
  fixTop(gone: boolean): void {
    const a = this.#items;
    if (gone) {
      const last = a.pop() as Head;
      if (a.length === 0) return;
      a[0] = last;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(a[l] as Head, a[m] as Head)) m = l;
      if (r < a.length && before(a[r] as Head, a[m] as Head)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m] as Head, a[i] as Head];
      i = m;
    }
  }
}

/** Pulls the next non-empty batch of a stream; false when it has ended. */
async function fill(h: Head): Promise<boolean> {
  for (;;) {
    const r = await h.it.next();
    if (r.done === true) return false;
    if (r.value.length > 0) {
      h.batch = r.value;
      h.pos = 0;
      return true;
    }
  }
}

/** The items of every stream, merged by event time; batches of up to `batchSize`. */
export async function* mergeByTime(streams: readonly AsyncIterable<Decoded[]>[], batchSize = BATCH_RECORDS): AsyncGenerator<Decoded[]> {
  const heap = new HeadHeap();
  for (let i = 0; i < streams.length; i++) {
    const h: Head = { index: i, it: (streams[i] as AsyncIterable<Decoded[]>)[Symbol.asyncIterator](), batch: [], pos: 0 };
    if (await fill(h)) heap.push(h);
  }
  let out: Decoded[] = [];
  for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
    out.push(top.batch[top.pos] as Decoded);
    top.pos++;
    const more = top.pos < top.batch.length || (await fill(top));
    heap.fixTop(!more);
    if (out.length >= batchSize) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
