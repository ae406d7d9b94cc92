/**
 * The rule sources Vigil reads, listed explicitly: each Falco source name with the fields its
 * rules may use and the events it applies to. Falco's `syscall` rules run on Tetragon runtime
 * events (and on Vigil's normalized form of them), `k8s_audit` rules on Kubernetes audit events,
 * `aws_cloudtrail` rules on CloudTrail records.
 */
import type { VigilEvent } from '../core/event.js';
import { CLOUDTRAIL_FIELDS } from '../sources/cloudtrail/rule-fields.js';
import { K8S_AUDIT_FIELDS } from '../sources/k8saudit/rule-fields.js';
import { createSyscallFields, type AncestryLookup } from '../sources/tetragon/rule-fields.js';
import type { SourceBinding } from './engine.js';
import { pluginEventFields } from './event-fields.js';
import type { RuleSourceSpec } from './load.js';

/** What the sources' fields may read beyond the event itself during a run. */
export interface RuleSourceContext {
  /** The run's Tetragon process tree: `proc.aname[N]` and the other ancestor fields walk it. */
  readonly ancestry?: AncestryLookup;
}

/** The rule sources, with fields bound to a run's context. */
export function createRuleSources(context: RuleSourceContext = {}): readonly RuleSourceSpec<VigilEvent>[] {
  return [
    { name: 'syscall', fields: createSyscallFields(context.ancestry), typeField: 'evt.type', indexFields: ['evt.type', 'proc.name'] },
    { name: 'k8s_audit', fields: [...K8S_AUDIT_FIELDS, ...pluginEventFields('k8s_audit', 'k8saudit', K8S_AUDIT_FIELDS)], indexFields: ['ka.target.resource', 'ka.verb'] },
    { name: 'aws_cloudtrail', fields: [...CLOUDTRAIL_FIELDS, ...pluginEventFields('aws_cloudtrail', 'cloudtrail', CLOUDTRAIL_FIELDS)], indexFields: ['ct.name'] },
  ];
}

/** The rule sources without run context (checking rule files; ancestry limited to what events carry). */
export const RULE_SOURCES: readonly RuleSourceSpec<VigilEvent>[] = createRuleSources();

export const SOURCE_BINDINGS: readonly SourceBinding<VigilEvent>[] = [
  { name: 'syscall', accepts: (e) => e.source === 'tetragon' },
  { name: 'k8s_audit', accepts: (e) => e.source === 'k8saudit' },
  { name: 'aws_cloudtrail', accepts: (e) => e.source === 'cloudtrail' },
];
