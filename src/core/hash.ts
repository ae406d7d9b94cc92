/**
 * Deterministic ids: the same input always gives the same id, so runs can be compared and
 * re-delivered records deduplicated. Ids are made once per event, on the hot path, so this is a
 * fast non-cryptographic 128-bit hash (four 32-bit lanes, MurmurHash3-style mixing) instead of
 * sha256: ids need to be stable and practically collision-free, not secret. It is not built to
 * resist crafted collisions: where an attacker could choose records to collide, compare content,
 * not only ids.
 */

/** Hashes the parts (each length-prefixed, so `['ab','c']` and `['a','bc']` differ) to 32 hex digits. */
export function stableId(prefix: string, parts: readonly (string | number | undefined)[]): string {
  // One loop with the state in locals: this runs once per event, and a helper call per
  // character (or hashing a concatenated rope string) costs several times more.
  let h1 = SEED1;
  let h2 = SEED2;
  let h3 = SEED3;
  let h4 = SEED4;
  for (let p = 0; p <= parts.length; p++) {
    const part = parts[p];
    const s = p === parts.length ? '' : part === undefined ? '' : typeof part === 'string' ? part : String(part);
    // The length (plus one, so an empty part still counts) separates the parts.
    // Two UTF-16 units per step (lossless: each is 16 bits), which halves the work.
    let c = p === parts.length ? 0 : s.length + 1;
    for (let i = -2; i < s.length; i += 2) {
      if (i >= 0) c = s.charCodeAt(i) | (i + 1 < s.length ? s.charCodeAt(i + 1) << 16 : 0);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h3 = Math.imul((h3 ^ c) + (h3 >>> 13), 0xcc9e2d51);
      h4 = Math.imul((h4 ^ c) + (h4 >>> 17), 0x1b873593);
    }
  }
  return prefix + finish(h1 ^ parts.length, h2, h3, h4);
}

/** 128-bit hash of a string's UTF-16 code units, as 32 hex digits. */
export function hash128(text: string): string {
  return stableId('', [text]);
}

const SEED1 = 0x9747b28c;
const SEED2 = 0x85ebca6b;
const SEED3 = 0xc2b2ae35;
const SEED4 = 0x27d4eb2f;

function finish(h1: number, h2: number, h3: number, h4: number): string {
  return hex8(fmix(h1 ^ h4)) + hex8(fmix(h2 ^ h1)) + hex8(fmix(h3 ^ h2)) + hex8(fmix(h4 ^ h3));
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Two hex digits per byte value; a constant table, since `toString(16)` is slow on this path. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(n: number): string {
  return (HEX[n >>> 24] as string) + (HEX[(n >>> 16) & 255] as string) + (HEX[(n >>> 8) & 255] as string) + (HEX[n & 255] as string);
}
