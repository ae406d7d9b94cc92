/**
 * The one place that says which attack intents Vigil does not detect yet. `vigil eval` does not
 * fail a scenario of a pending intent for a missing attack (it still fails one that raises no
 * signal at all). The correlation stage (threats and attacks) empties this list as it lands;
 * once it is resolved the list must be empty.
 */

import type { Intent } from '../sim/scenario.js';

export const PENDING_INTENTS: readonly Intent[] = ['cryptojacking', 'data-exfiltration', 'data-destruction', 'ransomware', 'container-escape'];
