/**
 * IP addresses and networks for the `ipaddr` and `ipnet` field types: addresses compare by value
 * (`::1` equals `0:0:0:0:0:0:0:1`; an IPv4 address never equals an IPv6 one), networks by CIDR
 * membership.
 */

import { isIPv4, isIPv6 } from 'node:net';

export interface IpValue {
  readonly family: 4 | 6;
  readonly value: bigint;
}

export interface Cidr extends IpValue {
  readonly bits: number;
}

/**
 * A dotted-quad IPv4 address as an unsigned 32-bit number, or undefined. Hand-written: field
 * values are parsed on the hot path, and this is many times faster than the general parser.
 */
export function parseIpv4(t: string): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros (`01`), as node:net's isIPv4 rejects them.
      if (digits === 1 && part === 0) return undefined;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + part;
}

/** Parses an IPv4 or IPv6 address (brackets and an IPv6 zone are tolerated); undefined otherwise. */
export function parseIp(text: string): IpValue | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: BigInt(v4) };
  let t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (isIPv4(t)) return { family: 4, value: t.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n) };
  if (!isIPv6(t)) return undefined;
  const [head = '', tail] = t.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  let left = groups(head);
  let right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for two groups.
  const last = (right.length > 0 ? right : left).at(-1);
  if (last !== undefined && last.includes('.')) {
    const v4 = parseIp(last);
    if (v4 === undefined) return undefined;
    const pair = [(v4.value >> 16n).toString(16), (v4.value & 0xffffn).toString(16)];
    if (right.length > 0) right = [...right.slice(0, -1), ...pair];
    else left = [...left.slice(0, -1), ...pair];
  }
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...Array.from({ length: zeros }, () => '0'), ...right];
  return { family: 6, value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** Parses `address/bits`; the address is masked to the network. Undefined when not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (ip === undefined || !/^[0-9]{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  const width = ip.family === 4 ? 32 : 128;
  if (bits > width) return undefined;
  return { family: ip.family, bits, value: ip.value & mask(width, bits) };
}

function mask(width: number, bits: number): bigint {
  return bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
}

export function inCidr(ip: IpValue, net: Cidr): boolean {
  if (ip.family !== net.family) return false;
  return (ip.value & mask(ip.family === 4 ? 32 : 128, net.bits)) === net.value;
}

/** A canonical text for an address, so equal addresses give equal keys. */
export function ipKey(ip: IpValue): string {
  return `${ip.family}:${ip.value.toString(16)}`;
}

/**
 * The canonical key of an address, so equal addresses compare equal: an IPv4 address is its
 * 32-bit number (no string is built on the hot path), an IPv6 address the text `ipKey` gives.
 */
export type AddressKey = number | string;

export function addressKeyOf(text: string): AddressKey | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return v4;
  const ip = parseIp(text);
  return ip === undefined ? undefined : keyOfIp(ip);
}

export function keyOfIp(ip: IpValue): AddressKey {
  return ip.family === 4 ? Number(ip.value) : ipKey(ip);
}

/** A network test over canonical keys: IPv4 with 32-bit arithmetic, IPv6 with BigInt. */
export function keyInCidr(key: AddressKey, net: Cidr): boolean {
  if (typeof key === 'number') {
    if (net.family !== 4) return false;
    const bits = net.bits;
    if (bits === 0) return true;
    const m = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    return ((key & m) >>> 0) === Number(net.value);
  }
  if (net.family !== 6) return false;
  return inCidr({ family: 6, value: BigInt(`0x${key.slice(2)}`) }, net);
}

/**
 * Whether a dotted IPv4 address is private, loopback, link-local or carrier-grade NAT: places
 * where a destination port or a network says little about who is there.
 */
export function isPrivateIpv4(text: string): boolean {
  const v = parseIpv4(text);
  if (v === undefined) return false;
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) % 256;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}
