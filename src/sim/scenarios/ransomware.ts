/** ransomware: variants to come (see src/sim/scenarios/cryptojacking.ts for the form). */

import type { AttackScenario } from '../scenario.js';

export const RANSOMWARE: readonly AttackScenario[] = [];
