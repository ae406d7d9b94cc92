import type { SourceDecoder } from '../../core/decoder.js';
import { decodeAudit } from './decode.js';
import { detect } from './detect.js';

/** Kubernetes audit events (`audit.k8s.io` `Event`s), one per record; lists are unwrapped by the reader. */
export const k8sauditDecoder: SourceDecoder = {
  kind: 'k8saudit',
  detect,
  decode: decodeAudit,
};
