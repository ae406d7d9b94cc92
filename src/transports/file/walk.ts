/** Expands the PATH arguments of `analyze`: files as given, directories recursively. */

import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../../core/errors.js';

/** File names read from directories; files named explicitly are read whatever their name. */
const INPUT_NAME = /\.(json|jsonl|ndjson|log)(\.gz)?$/i;

export interface ExpandedInputs {
  readonly files: string[];
  readonly problems: { path: string; message: string }[];
}

/**
 * Files to read, in a stable order (directory entries sorted), plus paths that could not be read.
 * Symbolic links are followed (`/var/log/containers` is all links), each directory once.
 */
export async function expandInputs(paths: readonly string[]): Promise<ExpandedInputs> {
  const files: string[] = [];
  const problems: { path: string; message: string }[] = [];
  const visited = new Set<string>();
  for (const p of paths) {
    if (p === '-') {
      files.push(p);
      continue;
    }
    try {
      const s = await stat(p);
      if (s.isDirectory()) await walk(p, { files, problems, visited });
      else files.push(p);
    } catch (err) {
      problems.push({ path: p, message: messageOf(err) });
    }
  }
  return { files, problems };
}

interface Walk {
  readonly files: string[];
  readonly problems: { path: string; message: string }[];
  /** Real paths of the directories entered, so link cycles end. */
  readonly visited: Set<string>;
}

async function walk(dir: string, w: Walk): Promise<void> {
  let entries;
  try {
    const real = await realpath(dir);
    if (w.visited.has(real)) return;
    w.visited.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    w.problems.push({ path: dir, message: messageOf(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const target = await stat(p);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (err) {
        if (INPUT_NAME.test(e.name)) w.problems.push({ path: p, message: `broken link: ${messageOf(err)}` });
        continue;
      }
    }
    if (isDir) await walk(p, w);
    else if (isFile && INPUT_NAME.test(e.name)) w.files.push(p);
  }
}
