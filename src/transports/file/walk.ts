/** Expands the PATH arguments of `analyze`: files as given, directories recursively. */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../../core/errors.js';

/** File names read from directories; files named explicitly are read whatever their name. */
const INPUT_NAME = /\.(json|jsonl|ndjson|log)(\.gz)?$/i;

export interface ExpandedInputs {
  readonly files: string[];
  readonly problems: { path: string; message: string }[];
}

/** Files to read, in a stable order (directory entries sorted), plus paths that could not be read. */
export async function expandInputs(paths: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const problems: { path: string; message: string }[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push(p);
      continue;
    }
    try {
      const s = await stat(p);
      if (s.isDirectory()) await walk(p, files, problems);
      else files.push(p);
    } catch (err) {
      problems.push({ path: p, message: messageOf(err) });
    }
  }
  return { files, problems };
}

async function walk(dir: string, files: string[], problems: { path: string; message: string }[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    problems.push({ path: dir, message: messageOf(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, files, problems);
    else if (e.isFile() && INPUT_NAME.test(e.name)) files.push(p);
  }
}
