/**
 * Conformance suites compare Vigil with Falco's own test cases. Every case Vigil does not pass
 * is listed, with the reason, in test/conformance/known-deviations.json; a suite fails when a
 * case fails that is not listed (a regression) and when a listed case passes (the list is stale).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const FILE = new URL('../conformance/known-deviations.json', import.meta.url);

export function knownDeviations(suite: string): Readonly<Record<string, string>> {
  const all = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, Record<string, string>>;
  return all[suite] ?? {};
}

/** Asserts the failed cases are exactly the listed deviations; returns the pass rate text. */
export function assertDeviations(suite: string, total: number, failures: ReadonlyMap<string, string>): string {
  const known = knownDeviations(suite);
  const unexpected = [...failures].filter(([name]) => known[name] === undefined).map(([name, why]) => `${name}: ${why}`);
  const stale = Object.keys(known).filter((name) => !failures.has(name));
  // Messages carry the whole lists: assert's diff output abbreviates long arrays.
  assert.ok(unexpected.length === 0, `${suite}: ${unexpected.length} cases failing that are not listed as known deviations:\n${unexpected.join('\n')}`);
  assert.ok(stale.length === 0, `${suite}: listed deviations that now pass (remove them from known-deviations.json):\n${stale.join('\n')}`);
  const passed = total - failures.size;
  return `${suite}: ${passed}/${total} passed (${((100 * passed) / total).toFixed(1)}%)`;
}
