/**
 * The Falco engine and plugin versions Vigil's rule engine is compatible with. Rule files state
 * what they need (`required_engine_version`, `required_plugin_versions`); a requirement above
 * these is an error, as in Falco.
 */

/** Falco's rule engine version whose language Vigil implements (Falco 0.44 / libs 0.25). */
export const ENGINE_VERSION = '0.63.0';

/**
 * The plugins whose fields Vigil provides natively, at the version of the plugin whose field
 * table it implements. Alternatives of k8saudit (EKS, GKE, AKS, OVH) produce the same
 * `k8s_audit` events, which Vigil reads from any of those deliveries.
 */
export const PROVIDED_PLUGINS: ReadonlyMap<string, string> = new Map([
  ['container', '0.4.0'],
  ['k8saudit', '0.18.0'],
  ['k8saudit-eks', '0.12.0'],
  ['k8saudit-gke', '0.9.0'],
  ['k8saudit-aks', '0.6.0'],
  ['k8saudit-ovh', '0.6.0'],
  ['cloudtrail', '0.16.0'],
  ['json', '0.7.0'],
]);

export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `0.57.0`, or the old integer form `10` meaning `0.10.0`; undefined when neither. */
export function parseVersion(v: unknown): Semver | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return { major: 0, minor: v, patch: 0 };
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(v.trim());
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function compareVersions(a: Semver, b: Semver): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** A plugin at `have` satisfies `need` when the major versions agree and it is not older. */
export function pluginSatisfies(have: Semver, need: Semver): boolean {
  return have.major === need.major && compareVersions(have, need) >= 0;
}
