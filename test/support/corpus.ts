import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
 * Call first in a test that reads shared data (`dir`, the corpus by default). Returns false (and
 * marks the test skipped, with a notice) when it is absent, as on a user's laptop; under CI=true
 * its absence fails.
 */
export function requireShared(t: TestContext, dir: string): boolean {
  if (existsSync(dir)) return true;
  if (process.env['CI'] === 'true') throw new Error(`shared data is missing at ${dir} (required under CI=true)`);
  t.skip(`shared data not found at ${dir}; skipping`);
  return false;
}

/** `requireShared` for the telemetry corpus. */
export function requireCorpus(t: TestContext): boolean {
  return requireShared(t, CORPUS_DIR);
}

/** Every record text of the shared Tetragon corpus, as written (many pretty-printed). */
export function tetragonCorpusRecords(): string[] {
  const root = corpusPath('tetragon');
  const texts: string[] = [];
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    const text = () => readFileSync(join(root, f), 'utf8');
    if (f.endsWith('.jsonl') && (f.startsWith('docs-examples') || f === 'testdata-events.jsonl')) {
      texts.push(...text().split('\n').filter((l) => l.trim() !== ''));
    } else if (f.endsWith('.json') && f.startsWith('security-observability-with-ebpf')) {
      texts.push(text());
    }
  }
  return texts;
}
