import { readFileSync } from 'node:fs';

/** Vigil's version, from package.json (`vigil --version`, and the product in exported findings). */
export const VIGIL_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
