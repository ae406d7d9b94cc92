import type { SourceDecoder } from '../core/decoder.js';
import { cloudtrailDecoder } from './cloudtrail/index.js';
import { falcoDecoder } from './falco/index.js';
import { k8sauditDecoder } from './k8saudit/index.js';
import { tetragonDecoder } from './tetragon/index.js';
import { vigilDecoder } from './vigil/index.js';

/**
 * The built-in sources, in auto-detection order: each detector is asked in turn and the first
 * that recognises a record decodes it, so the most specific shapes come first. Vigil's own
 * normalized events come last.
 */
export const builtinDecoders: readonly SourceDecoder[] = [
  falcoDecoder,
  tetragonDecoder,
  k8sauditDecoder,
  cloudtrailDecoder,
  vigilDecoder,
];
