import type { SourceDecoder } from '../../core/decoder.js';
import { decodeAlert } from './decode.js';
import { detectAlert } from './detect.js';

/**
 * Falco alerts as Falco writes them with `json_output: true` (file, stdout, `http_output`) and
 * as falcosidekick's webhook output posts them. Stateless: each alert stands alone.
 */
export const falcoDecoder: SourceDecoder = {
  kind: 'falco',
  detect: detectAlert,
  decode: decodeAlert,
};

export { alertToSignal } from './signal.js';
