/**
 * What the compiler needs to know about fields: their type and how to extract them. The
 * language knows no concrete field; sources declare theirs (name, type, extractor, in one place)
 * and a `FieldResolver` hands them to the compiler.
 */

/**
 * `ipaddr` values are addresses as text; `ipnet` fields hold an address compared by CIDR
 * membership; `bytes` values are binary strings (one char per byte, latin1), compared bytewise.
 */
export const FIELD_TYPES = ['string', 'number', 'bool', 'ipaddr', 'ipnet', 'bytes'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One extracted value; list fields extract arrays. */
export type Scalar = string | number | boolean;
export type FieldValue = Scalar | readonly Scalar[];

export interface FieldSpec<E> {
  /** Canonical name, e.g. `proc.name`. */
  readonly name: string;
  readonly type: FieldType;
  /** A list-valued field (`ka.req.pod.containers.image`): `in` means every value is in the set. */
  readonly list?: boolean;
  /**
   * Falco's ancestor fields (`proc.aname`): without an argument, `extract` returns the values of
   * every ancestor and a comparison holds when any one of them satisfies it.
   */
  readonly anyWithoutArg?: boolean;
  /**
   * The source never supplies this field (Tetragon reports no tty, for instance). Every check on
   * it is false, whatever the event, so the compiler folds such checks to constants, and a rule
   * that needs one can never fire and is never evaluated.
   */
  readonly never?: boolean;
  /** Whether the field takes `[arg]` (or a dotted suffix): required, optional, or not at all. */
  readonly arg?: 'required' | 'optional';
  /** The value for this event, or undefined when it is not available (then every comparison is false). */
  extract(event: E, arg: string | undefined): FieldValue | undefined;
  /**
   * For an address field (`ipaddr`, `ipnet`): the value as the keys conditions compare addresses
   * by (`addressKey` of each), for sources that keep them per event so that several address
   * fields of one socket convert its addresses once. Without it, `extract`'s text is converted.
   */
  extractKeys?(event: E, arg: string | undefined): FieldValue | undefined;
}

/**
 * Finds the field a lexed name denotes. `evt.arg.flags` may be the field `evt.arg` with the
 * dotted argument `flags`: resolvers take the longest known prefix and return the rest as `arg`.
 */
export interface FieldResolver<E> {
  resolve(name: string): { readonly spec: FieldSpec<E>; readonly arg?: string } | undefined;
}

/** A resolver over a fixed list of fields (longest-prefix match on dotted names). */
export function createFieldTable<E>(specs: readonly FieldSpec<E>[]): FieldResolver<E> {
  const byName = new Map<string, FieldSpec<E>>();
  for (const s of specs) {
    if (byName.has(s.name)) throw new Error(`field ${s.name} declared twice`);
    byName.set(s.name, s);
  }
  return {
    resolve(name) {
      const exact = byName.get(name);
      if (exact !== undefined) return { spec: exact };
      for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
        const spec = byName.get(name.slice(0, dot));
        if (spec !== undefined && spec.arg !== undefined) return { spec, arg: name.slice(dot + 1) };
      }
      return undefined;
    },
  };
}
