import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

/** `../shared/corpus` beside the repository root, where the real telemetry lives. */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

/** Absolute path of a corpus file, given relative to the corpus root. */
export function corpusPath(relative: string): string {
  return join(CORPUS_DIR, relative);
}

/**
 * Call first in a test that reads the corpus. Returns false (and marks the test skipped, with a
 * notice) when the corpus is absent, as on a user's laptop; under CI=true its absence fails.
 */
export function requireCorpus(t: TestContext): boolean {
  if (existsSync(CORPUS_DIR)) return true;
  if (process.env['CI'] === 'true') throw new Error(`the shared corpus is missing at ${CORPUS_DIR} (required under CI=true)`);
  t.skip(`shared corpus not found at ${CORPUS_DIR}; skipping`);
  return false;
}
