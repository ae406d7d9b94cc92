/**
 * The one place that says which attack intents Vigil does not detect yet. `vigil eval` does not
 * fail a scenario of a pending intent for a missing attack (it still fails one that raises no
 * signal at all). The correlation stage detects every intent of the library, so the list is
 * empty; an intent added to the simulator before its correlation rules would be listed here.
 */

import type { Intent } from '../sim/scenario.js';

export const PENDING_INTENTS: readonly Intent[] = [];
