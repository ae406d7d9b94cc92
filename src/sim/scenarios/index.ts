/**
 * The scenario library, listed explicitly: every attack variant per intent and every benign
 * look-alike. `vigil simulate --scenario ID` names them.
 */

import type { Scenario } from '../scenario.js';
import { BENIGN } from './benign.js';
import { CONTAINER_ESCAPE } from './container-escape.js';
import { CRYPTOJACKING } from './cryptojacking.js';
import { DATA_DESTRUCTION } from './data-destruction.js';
import { DATA_EXFILTRATION } from './data-exfiltration.js';
import { RANSOMWARE } from './ransomware.js';

export const SCENARIOS: readonly Scenario[] = [...CRYPTOJACKING, ...DATA_EXFILTRATION, ...DATA_DESTRUCTION, ...RANSOMWARE, ...CONTAINER_ESCAPE, ...BENIGN];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
