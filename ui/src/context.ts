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
 * Loads `fn` when its inputs change and on `reload()`. New inputs abort the request in flight (its
 * answer would be for the old ones); a reload while one is in flight waits for it and runs once
 * after, so frequent live updates never starve a slow answer. Data stays on screen meanwhile.
 */
export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, inputs: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const flight = useRef({ busy: false, again: false });
  useEffect(() => {
    const ctl = new AbortController();
    const f = flight.current;
    f.busy = true;
    setState((s) => ({ ...s, loading: true }));
    const settle = (next: (s: { data: T | undefined; error: Error | undefined; loading: boolean }) => { data: T | undefined; error: Error | undefined; loading: boolean }): void => {
      if (ctl.signal.aborted) return;
      f.busy = false;
      setState(next);
      if (f.again) {
        f.again = false;
        setTick((t) => t + 1);
      }
    };
    fn(ctl.signal).then(
      (data) => settle(() => ({ data, error: undefined, loading: false })),
      (error: unknown) => settle((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    );
    return () => {
      ctl.abort();
      f.busy = false;
      f.again = false;
    };
  }, [...inputs, tick]);
  const reload = useCallback(() => {
    if (flight.current.busy) flight.current.again = true;
    else setTick((t) => t + 1);
  }, []);
  return { ...state, reload };
}

/**
 * Calls `onChange` (at most once per `waitMs`) when the live stream brings one of `kinds` that
 * is `relevant` (default: any), and when it says it reset. Pages reload what they show from the
 * API rather than patching it, so filters and order stay the server's.
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
