import { formatRecordError } from '../../core/errors.js';
import { toPlainEvent, type VigilEvent } from '../../core/event.js';
import { decodeInputs } from '../../pipeline/decode-files.js';
import type { FormatOption } from '../../pipeline/record-decoder.js';
import type { CliIo } from '../io.js';

/** The event as Vigil's normalized JSON (schemas/vigil-event.schema.json). */
export function eventToVigilJson(e: VigilEvent): string {
  try {
    return JSON.stringify(e);
  } catch {
    // A payload nested beyond what JSON.stringify can walk: keep the envelope, say so.
    return JSON.stringify({ ...toPlainEvent(e), payload: { vigil_error: 'payload too deeply nested to serialise' } });
  }
}

/** `vigil normalize`: decodes inputs and writes each event in Vigil's format, one per line. */
export async function normalizeCommand(paths: string[], opts: { format: string }, io: CliIo): Promise<number> {
  let unreadable = false;
  for await (const batch of decodeInputs(paths, { format: opts.format as FormatOption })) {
    let text = '';
    for (const d of batch) {
      if (d.type === 'event') text += `${eventToVigilJson(d.event)}\n`;
      else if (d.type === 'error') {
        io.err(`vigil: ${formatRecordError(d.error)}\n`);
        if (d.error.code === 'INPUT_UNREADABLE') unreadable = true;
      }
    }
    if (text !== '') io.out(text);
  }
  return unreadable ? 1 : 0;
}
