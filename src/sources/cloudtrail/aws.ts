/**
 * Recognisers and canonical forms for the AWS identifiers CloudTrail carries. Entity ids must be
 * the same text whichever source names the thing, so every id goes through one of these.
 */
import { isIPv6 } from 'node:net';

const ACCOUNT_ID = /^\d{12}$/;
/** Instance ids: `i-` and 8 (pre-2016) or 17 hex digits. */
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/i;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** Dotted-quad already in canonical form: the common case, returned without rebuilding. */
const IPV4_CANONICAL = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const SERVICE_SUFFIX = '.amazonaws.com';

/** A 12-digit account id, or undefined (placeholders such as `ANONYMOUS_PRINCIPAL` are not accounts). */
export function accountId(raw: unknown): string | undefined {
  return typeof raw === 'string' && ACCOUNT_ID.test(raw) ? raw : undefined;
}

/**
 * The canonical (lower-case) instance id, or undefined. AWS prints them in lower case; the
 * anonymised Stratus logs mix cases, and lower-casing keeps every mention on one key.
 */
export function instanceId(raw: unknown): string | undefined {
  return typeof raw === 'string' && INSTANCE_ID.test(raw) ? raw.toLowerCase() : undefined;
}

/**
 * The address when `sourceIPAddress` really is one (it may also be a service name such as
 * `ec2.amazonaws.com` or `AWS Internal`). IPv4 octets with leading zeros, which anonymisers
 * produce, are read as decimal and written without them; IPv6 is lower-cased, brackets stripped.
 */
export function ipAddress(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 64) return undefined;
  if (IPV4_CANONICAL.test(raw)) return raw;
  const m = IPV4.exec(raw);
  if (m !== null) {
    const octets = m.slice(1).map(Number);
    return octets.every((o) => o <= 255) ? octets.join('.') : undefined;
  }
  const s = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  return s.includes(':') && isIPv6(s) ? s.toLowerCase() : undefined;
}

/** `s3` for `s3.amazonaws.com`; other event sources are kept whole. */
export function serviceOf(eventSource: string): string {
  return eventSource.endsWith(SERVICE_SUFFIX) ? eventSource.slice(0, -SERVICE_SUFFIX.length) : eventSource;
}

/** The parts of an ARN `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (the resource may hold `:`). */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly account: string;
  readonly resource: string;
}

export function parseArn(raw: unknown): Arn | undefined {
  if (typeof raw !== 'string' || !raw.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let from = 4;
  for (let i = 0; i < 4; i++) {
    const colon = raw.indexOf(':', from);
    if (colon < 0) return undefined;
    parts.push(raw.slice(from, colon));
    from = colon + 1;
  }
  const [partition = '', service = '', , account = ''] = parts;
  return { partition, service, account, resource: raw.slice(from) };
}

/** `NAME` of `arn:aws:iam::ACCT:role/PATH/NAME`, or undefined when the ARN is not a role's. */
export function roleName(roleArn: string): string | undefined {
  const arn = parseArn(roleArn);
  if (arn === undefined || arn.service !== 'iam' || !arn.resource.startsWith('role/')) return undefined;
  const name = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
  return name === '' ? undefined : name;
}

/**
 * The ARN a session of the role gets: `arn:aws:sts::ACCT:assumed-role/NAME/SESSION` (STS drops
 * the role's path), or undefined when `roleArn` is not a role ARN.
 */
export function assumedRoleArn(roleArn: string, session: string): string | undefined {
  const arn = parseArn(roleArn);
  const name = roleName(roleArn);
  if (arn === undefined || name === undefined) return undefined;
  return `arn:${arn.partition}:sts::${arn.account}:assumed-role/${name}/${session}`;
}

/** `{role, session}` of an `arn:…:sts::ACCT:assumed-role/ROLE/SESSION` ARN. */
export function assumedRoleParts(raw: string | undefined): { account: string; partition: string; role: string; session: string } | undefined {
  const arn = parseArn(raw);
  if (arn === undefined || arn.service !== 'sts' || !arn.resource.startsWith('assumed-role/')) return undefined;
  const rest = arn.resource.slice('assumed-role/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { account: arn.account, partition: arn.partition, role: rest.slice(0, slash), session: rest.slice(slash + 1) };
}

/**
 * The role ARN behind a session ARN when the record does not name the issuer. Without the
 * issuer the role's IAM path is unknown, so this matches the real ARN only for path-less roles
 * (the same guess the Falco and Kubernetes-audit sources make).
 */
export function roleArnOfSession(sessionArn: string | undefined): { arn: string; name: string } | undefined {
  const p = assumedRoleParts(sessionArn);
  return p === undefined ? undefined : { arn: `arn:${p.partition}:iam::${p.account}:role/${p.role}`, name: p.role };
}

/** The last `/`-separated segment of an ARN's resource (`user/dev/alice` → `alice`). */
export function lastSegment(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const seg = raw.slice(raw.lastIndexOf('/') + 1);
  return seg === '' ? undefined : seg;
}

/** The part after the first `:` of a principal id (`AROA…:SESSION` → `SESSION`). */
export function sessionOfPrincipalId(principalId: string | undefined): string | undefined {
  if (principalId === undefined) return undefined;
  const colon = principalId.indexOf(':');
  return colon < 0 || colon === principalId.length - 1 ? undefined : principalId.slice(colon + 1);
}

/** `temporary` for `ASIA…` keys (STS sessions), `long-term` for `AKIA…` (IAM user keys). */
export function accessKeyKind(keyId: string): string | undefined {
  if (keyId.startsWith('ASIA')) return 'temporary';
  if (keyId.startsWith('AKIA')) return 'long-term';
  return undefined;
}
