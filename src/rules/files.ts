/**
 * Finds and reads rule files: files as given, directories searched recursively for `.yaml` and
 * `.yml` files in name order (so a directory loads the same way every time). Unreadable paths
 * become diagnostics, not exceptions.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from './diagnostics.js';
import type { RuleFile } from './load.js';

const RULE_FILE = /\.ya?ml$/i;

async function expand(path: string, out: string[]): Promise<void> {
  const s = await stat(path);
  if (!s.isDirectory()) {
    out.push(path);
    return;
  }
  const names = (await readdir(path)).sort();
  for (const n of names) {
    const p = join(path, n);
    const st = await stat(p);
    if (st.isDirectory()) await expand(p, out);
    else if (RULE_FILE.test(n)) out.push(p);
  }
}

export async function readRuleFiles(paths: readonly string[]): Promise<{ readonly files: RuleFile[]; readonly diagnostics: Diagnostic[] }> {
  const files: RuleFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of paths) {
    try {
      const found: string[] = [];
      await expand(p, found);
      for (const f of found) files.push({ name: f, text: await readFile(f, 'utf8') });
    } catch (err) {
      const reason = err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : String(err);
      diagnostics.push({ severity: 'error', code: 'FILE_UNREADABLE', message: `cannot read rules: ${reason}`, file: p, line: 0, col: 0 });
    }
  }
  return { files, diagnostics };
}

/** Vigil's own default rules, shipped in the repository's `rules/` directory. */
export const DEFAULT_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));
