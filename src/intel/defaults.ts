/**
 * The feeds Vigil ships (`intel/` at the repository root), loaded unless a run turns them off.
 */

import { fileURLToPath } from 'node:url';
import type { FeedSource } from './feeds.js';

const INTEL_DIR = fileURLToPath(new URL('../../intel/', import.meta.url));

export const DEFAULT_FEEDS: readonly FeedSource[] = [
  { name: 'vigil-mining-pools', location: `${INTEL_DIR}mining-pools.txt`, format: 'plain', confidence: 80, labels: ['cryptomining', 'T1496'] },
  { name: 'vigil-mining-pool-ports', location: `${INTEL_DIR}mining-pool-ports.txt`, format: 'plain', confidence: 40, labels: ['cryptomining', 'T1496'] },
];
