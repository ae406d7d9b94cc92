/**
 * IP addresses as Falco prints them: bare in `fd.sip`/`fd.cip`/`fd.rip`/`fd.lip`, and as a
 * connection tuple `client:port->server:port` in `fd.name` (IPv6 sides with or without
 * brackets). Only text that really is an address becomes an `ip` entity, so a hostname or a
 * pipe name (`pipe:[1234]`) never does.
 */
import { isIP } from 'node:net';

/** The address itself, brackets stripped, or undefined when the text is not an IP address. */
export function ipAddress(raw: string): string | undefined {
  const s = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  return isIP(s) === 0 ? undefined : s;
}

/** One side of a tuple (`10.0.0.1:443`, `[::1]:80`, `::1:80`) without its port. */
function endpointAddress(side: string): string | undefined {
  if (side.startsWith('[')) {
    const close = side.indexOf(']');
    return close > 0 ? ipAddress(side.slice(1, close)) : undefined;
  }
  const colon = side.lastIndexOf(':');
  return colon > 0 ? ipAddress(side.slice(0, colon)) : undefined;
}

/** The client and server addresses of an `fd.name` connection tuple, when it is one. */
export function tupleAddresses(fdName: string): { client?: string; server?: string } | undefined {
  const arrow = fdName.indexOf('->');
  if (arrow < 0) return undefined;
  const client = endpointAddress(fdName.slice(0, arrow));
  const server = endpointAddress(fdName.slice(arrow + 2));
  if (client === undefined && server === undefined) return undefined;
  return { client, server };
}
