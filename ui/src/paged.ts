import { useCallback, useEffect, useRef, useState } from 'react';
import { query } from './api.js';
import { useApp } from './context.js';
import type { Page } from './types.js';

export interface PagedList<T> {
  readonly items: readonly T[];
  /** The cursor of the next page, null when every page is loaded. */
  readonly next: string | null;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Appends the next page. */
  more(): Promise<void>;
  /** Loads the first page again, in place of everything loaded. */
  reload(): Promise<void>;
  /**
   * Loads the first page again and keeps every row already loaded below it (by id: rows pushed
   * down by new ones stay, rows that changed move up); resolves to the ids that are new.
   */
  refreshTop(): Promise<ReadonlySet<string>>;
}

/**
 * A list endpoint (`{"items", "next"}`) read page by page, 100 rows at a time, for the query
 * `params`; a change of `params` starts over. An answer to a request made for other params is
 * dropped, however late it comes.
 */
export function usePagedList<T extends { readonly id: string }>(path: string, params: Readonly<Record<string, string | undefined>>): PagedList<T> {
  const { api } = useApp();
  const [items, setItems] = useState<readonly T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(true);
  const key = `${path}${query({ ...params, limit: 100 })}`;
  // Rebuilt only when the query changes (params is a new object at every render).
  const url = useCallback((cursor?: string) => `${path}${query({ ...params, limit: 100, cursor })}`, [key]);
  /** Bumped when the params change: an answer to an older request is dropped. */
  const generation = useRef(0);
  const shown = useRef<readonly T[]>([]);
  shown.current = items;

  /** Runs `request` and, if its params are still current, `apply`; errors land in `error`. */
  const guarded = useCallback(async <R>(request: () => Promise<R>, apply: (r: R) => void): Promise<void> => {
    const g = generation.current;
    try {
      const r = await request();
      if (g !== generation.current) return;
      apply(r);
      setError(undefined);
    } catch (e) {
      if (g === generation.current) setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      if (g === generation.current) setLoading(false);
    }
  }, []);

  const reload = useCallback(async () => {
    setLoading(true);
    await guarded(() => api.get<Page<T>>(url()), (page) => {
      setItems(page.items);
      setNext(page.next);
    });
  }, [api, url, guarded]);

  useEffect(() => {
    generation.current++;
    setItems([]);
    setNext(null);
    void reload();
  }, [reload]);

  const more = useCallback(async () => {
    if (next === null) return;
    await guarded(() => api.get<Page<T>>(url(next)), (page) => {
      setItems((old) => {
        const have = new Set(old.map((o) => o.id));
        return [...old, ...page.items.filter((x) => !have.has(x.id))];
      });
      setNext(page.next);
    });
  }, [api, url, guarded, next]);

  const refreshTop = useCallback(async (): Promise<ReadonlySet<string>> => {
    const before = new Set(shown.current.map((x) => x.id));
    let added: ReadonlySet<string> = new Set();
    await guarded(() => api.get<Page<T>>(url()), (page) => {
      added = new Set(page.items.filter((x) => !before.has(x.id)).map((x) => x.id));
      const ids = new Set(page.items.map((x) => x.id));
      setItems((old) => [...page.items, ...old.filter((x) => !ids.has(x.id))]);
      setNext((n) => n ?? page.next);
    });
    return added;
  }, [api, url, guarded]);

  return { items, next, error, loading, more, reload, refreshTop };
}
