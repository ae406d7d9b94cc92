/**
 * MITRE ATT&CK Enterprise, as Vigil names techniques and tactics: lookups over the compact
 * catalogue generated from the ATT&CK release (attack-catalogue.ts). Only live entries are
 * techniques here; a revoked id says what replaced it.
 */
import { ATTACK_VERSION, REVOKED_BY, TACTIC_ROWS, TECHNIQUE_ROWS } from './attack-catalogue.js';

export { ATTACK_VERSION };

export interface Tactic {
  /** `TA0002`. */
  readonly id: string;
  /** The kill-chain phase name: `execution` (Falco tags tactics as `mitre_execution`). */
  readonly shortname: string;
  readonly name: string;
  /** Position in the matrix, 1 (Reconnaissance) to 14 (Impact): kill-chain order. */
  readonly order: number;
}

export interface Technique {
  /** `T1552` or, for a sub-technique, `T1552.005`. */
  readonly id: string;
  readonly name: string;
  /** Its tactics, in kill-chain order. */
  readonly tactics: readonly Tactic[];
  /** The parent technique's id, for a sub-technique. */
  readonly parent?: string;
}

const TACTICS: readonly Tactic[] = Object.freeze(TACTIC_ROWS.map(([id, shortname, name], i) => Object.freeze({ id, shortname, name, order: i + 1 })));
const TACTIC_BY_KEY: ReadonlyMap<string, Tactic> = new Map(TACTICS.flatMap((t) => [[t.id, t], [t.shortname, t]] as const));

/** The tactics, in kill-chain order. */
export function tactics(): readonly Tactic[] {
  return TACTICS;
}

/** A tactic by id (`TA0002`) or shortname (`execution`). */
export function tactic(key: string): Tactic | undefined {
  return TACTIC_BY_KEY.get(key);
}

/** A live technique or sub-technique by id; undefined for unknown, revoked or deprecated ids. */
export function technique(id: string): Technique | undefined {
  const row = Object.hasOwn(TECHNIQUE_ROWS, id) ? TECHNIQUE_ROWS[id] : undefined;
  if (row === undefined) return undefined;
  const [name, phases] = row;
  const dot = id.indexOf('.');
  const ts = phases.split(' ').flatMap((p) => {
    const t = TACTIC_BY_KEY.get(p);
    return t === undefined ? [] : [t];
  });
  ts.sort((a, b) => a.order - b.order);
  return dot < 0 ? { id, name, tactics: ts } : { id, name, tactics: ts, parent: id.slice(0, dot) };
}

/** The technique that replaced a revoked one. */
export function revokedBy(id: string): string | undefined {
  return Object.hasOwn(REVOKED_BY, id) ? REVOKED_BY[id] : undefined;
}

/** Every live technique and sub-technique, in catalogue order. */
export function techniques(): readonly Technique[] {
  return Object.keys(TECHNIQUE_ROWS).flatMap((id) => {
    const t = technique(id);
    return t === undefined ? [] : [t];
  });
}
