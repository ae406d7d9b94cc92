import type { SourceDecoder } from '../../core/decoder.js';
import { decode } from './decode.js';
import { detect } from './detect.js';
import { TetragonLineParser } from './line-parser.js';
import { createProcessTree } from './process-tree.js';

export { createProcessTree, ProcessTree, type ProcessRecord, type ProcessTreeOptions } from './process-tree.js';

/**
 * Tetragon JSON export (one `GetEventsResponse` per line or per document). Decoding is stateless;
 * the per-run process table (`createState`) adds what earlier events taught about a process, and
 * the per-run line parser (`createParser`) parses each process description once.
 */
export const tetragonDecoder: SourceDecoder = {
  kind: 'tetragon',
  detect,
  decode,
  createState: () => createProcessTree(),
  createParser: () => new TetragonLineParser(),
};
