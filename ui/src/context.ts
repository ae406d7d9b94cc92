import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { Api } from './api.js';
import type { LiveKind, LiveStream } from './live.js';
import type { Me } from './types.js';

export interface AppContext {
  readonly api: Api;
  readonly live: LiveStream;
  readonly me: Me;
}

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const c = useContext(Ctx);
  if (c === null) throw new Error('useApp outside the signed-in app');
  return c;
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/**
 * Loads `fn` when its inputs change and on `reload()`. A newer load supersedes an older one
 * (an aborted request never overwrites fresher data); data stays on screen while reloading.
 */
export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, inputs: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    fn(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!ctl.signal.aborted) setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
    return () => ctl.abort();
  }, [...inputs, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * Calls `onChange` (at most once per `waitMs`) when the live stream brings one of `kinds` that
 * is `relevant` (default: any), and when it says it reset. Pages reload what they show from the API rather than patching it, so
 * filters and order stay the server's.
 */
export function useLiveRefresh(kinds: readonly LiveKind[], onChange: () => void, waitMs = 800, relevant?: (data: unknown) => boolean): void {
  const { live } = useApp();
  const cb = useRef(onChange);
  cb.current = onChange;
  const wanted = useRef(relevant);
  wanted.current = relevant;
  const key = kinds.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = live.subscribe((m) => {
      // A reset always counts: the stream lost track, whatever is shown may be stale.
      if (m.kind !== 'reset' && (!key.split(',').includes(m.kind) || wanted.current?.(m.data) === false)) return;
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        cb.current();
      }, waitMs);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [live, key, waitMs]);
}
