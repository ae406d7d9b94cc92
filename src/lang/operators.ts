/**
 * Comparison operators on extracted values, with Falco's semantics: typed equality, numeric or
 * (on strings) byte-order comparison, substring and glob matches, regex as a full match (RE2:
 * linear time, no backtracking), set membership. Each builder runs once at compile time and
 * returns a closure for the hot path.
 */

import { RE2JS } from 're2js';
import { regexPrefilter } from './regex-prefilter.js';
import type { Operator } from './ast.js';
import type { FieldType, Scalar } from './fields.js';
import { globMatch, pathPrefixMatcher } from './glob.js';
import { addressKeyOf, keyOfIp, parseCidr, parseIp, type AddressKey, type Cidr } from './ip.js';

/** A compiled comparison of one extracted scalar against a fixed operand. */
export type ScalarTest = (value: Scalar) => boolean;

/** Why a constant operand cannot be used; thrown as a compile error by the caller. */
export class OperandError extends Error {}

/** The constant, converted to the field's type (integers base 10, `true`/`false`, strings as is). */
export function convert(text: string, type: FieldType): Scalar {
  if (type === 'bytes') return text;
  // A NUL can only be matched in byte buffers; in a string it is a mistake libsinsp rejects.
  if (type === 'string') {
    if (text.includes('\0')) throw new OperandError('a string value cannot contain a NUL byte (use a byte-buffer field)');
    return text;
  }
  if (type === 'ipaddr') {
    const ip = parseIp(text);
    if (ip === undefined) throw new OperandError(`"${text}" is not an IP address`);
    return keyOfIp(ip);
  }
  if (type === 'ipnet') {
    if (parseCidr(text) === undefined && parseIp(text) === undefined) throw new OperandError(`"${text}" is not an IP network`);
    return text;
  }
  if (type === 'bool') {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new OperandError(`"${text}" is not a boolean (true or false)`);
  }
  if (!/^[+-]?[0-9]+$/.test(text)) throw new OperandError(`"${text}" is not an integer`);
  return Number(text);
}

/** Which operators each field type supports (the libs compiler's matrix, for the types Vigil has). */
const ALLOWED: Readonly<Record<FieldType, ReadonlySet<Operator>>> = {
  string: new Set<Operator>(['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'in', 'intersects', 'pmatch', 'exists']),
  number: new Set<Operator>(['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists']),
  bool: new Set<Operator>(['=', '==', '!=', 'in', 'intersects', 'exists']),
  ipaddr: new Set<Operator>(['=', '==', '!=', 'in', 'intersects', 'exists']),
  ipnet: new Set<Operator>(['=', '==', '!=', 'in', 'intersects', 'exists']),
  bytes: new Set<Operator>(['=', '==', '!=', 'contains', 'startswith', 'endswith', 'bcontains', 'bstartswith', 'in', 'intersects', 'exists']),
};

export function supports(type: FieldType, op: Operator): boolean {
  return ALLOWED[type].has(op);
}

/** A test of one value against one constant operand, for the single-value operators. */
export function scalarTest(op: Operator, operand: Scalar): ScalarTest {
  switch (op) {
    case '=':
    case '==':
      return (v) => v === operand;
    case '!=':
      return (v) => v !== operand;
    case '<':
      return (v) => v < operand;
    case '<=':
      return (v) => v <= operand;
    case '>':
      return (v) => v > operand;
    case '>=':
      return (v) => v >= operand;
    case 'contains': {
      const s = String(operand);
      return (v) => typeof v === 'string' && v.includes(s);
    }
    case 'icontains': {
      const s = String(operand).toLowerCase();
      return (v) => typeof v === 'string' && v.toLowerCase().includes(s);
    }
    case 'startswith': {
      const s = String(operand);
      return (v) => typeof v === 'string' && v.startsWith(s);
    }
    case 'endswith': {
      const s = String(operand);
      return (v) => typeof v === 'string' && v.endsWith(s);
    }
    case 'bcontains':
    case 'bstartswith': {
      const s = fromHex(String(operand));
      return op === 'bcontains' ? (v) => typeof v === 'string' && v.includes(s) : (v) => typeof v === 'string' && v.startsWith(s);
    }
    case 'glob':
    case 'iglob': {
      const pattern = String(operand);
      const fold = op === 'iglob';
      return (v) => typeof v === 'string' && globMatch(pattern, v, fold);
    }
    case 'regex': {
      let re: RE2JS;
      try {
        re = RE2JS.compile(String(operand));
      } catch (err) {
        throw new OperandError(`invalid regex: ${err instanceof Error ? err.message : String(err)}`);
      }
      // Most values contain none of the words every match needs: those are refused without
      // running the (linear, but slow) regex engine.
      const words = regexPrefilter(String(operand));
      if (words === undefined) return (v) => typeof v === 'string' && re.matches(v);
      return (v) => typeof v === 'string' && words.test(v) && re.matches(v);
    }
    default:
      throw new OperandError(`'${op}' does not compare single values`);
  }
}

/** `bcontains cafebabe`: the operand is bytes written as an even number of hex digits. */
function fromHex(text: string): string {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new OperandError(`"${text}" is not an even-length hex string`);
  return Buffer.from(text, 'hex').toString('latin1');
}

/** `op` between two runtime values (`val(field)` or a transformer on the right). */
export function dynamicTest(op: Operator, left: Scalar, right: Scalar): boolean {
  switch (op) {
    case '=':
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case 'contains':
      return typeof left === 'string' && left.includes(String(right));
    case 'icontains':
      return typeof left === 'string' && left.toLowerCase().includes(String(right).toLowerCase());
    case 'startswith':
      return typeof left === 'string' && left.startsWith(String(right));
    case 'endswith':
      return typeof left === 'string' && left.endsWith(String(right));
    case 'glob':
    case 'iglob':
      return typeof left === 'string' && globMatch(String(right), left, op === 'iglob');
    default:
      return false;
  }
}

/** `in` / `intersects` / `pmatch` against a constant set. */
export function setTest(op: Operator, items: readonly Scalar[], list: boolean): (value: Scalar | readonly Scalar[]) => boolean {
  if (op === 'pmatch') {
    const matches = pathPrefixMatcher(items.map(String));
    return (v) => (Array.isArray(v) ? v.some((x) => matches(String(x))) : matches(String(v)));
  }
  const set = new Set<Scalar>(items);
  if (!list) return (v) => set.has(v as Scalar);
  // List-valued fields: `in` is a subset test (vacuously true when empty), `intersects` needs one.
  if (op === 'in') return (v) => (v as readonly Scalar[]).every((x) => set.has(x));
  return (v) => (v as readonly Scalar[]).some((x) => set.has(x));
}

/** For `ipnet` fields: `=` is membership of the network; a plain address is a /32 or /128. */
export function cidrOf(text: string): Cidr {
  const net = parseCidr(text);
  if (net !== undefined) return net;
  const ip = parseIp(text);
  if (ip === undefined) throw new OperandError(`"${text}" is not an IP network`);
  return { ...ip, bits: ip.family === 4 ? 32 : 128 };
}

/** The canonical key of an extracted address, or undefined when it is not an address. */
export function addressKey(text: string): AddressKey | undefined {
  return addressKeyOf(text);
}
