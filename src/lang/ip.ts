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

/** Parses an IPv4 or IPv6 address (brackets and an IPv6 zone are tolerated); undefined otherwise. */
export function parseIp(text: string): IpValue | undefined {
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
