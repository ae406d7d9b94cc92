#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner through tsx. Node 20's
// `--test` does not expand globs, so the files are listed here. Extra arguments (file paths
// or node test flags) are passed through; with paths, only those run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const paths = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const files = paths.length > 0 ? paths : [...find('src', []), ...find('test', [])];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/fuzz-seed.ts', '--test', ...flags, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
