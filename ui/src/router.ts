/**
 * Hash routes (`#/attacks/ID`): the server serves one page at `/`, and a link or a reload keeps
 * the user where they were.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'attacks' }
  | { readonly page: 'attack'; readonly id: string }
  | { readonly page: 'explore'; readonly kind: 'signals' | 'threats' }
  | { readonly page: 'finding'; readonly kind: 'signals' | 'threats'; readonly id: string }
  | { readonly page: 'entities' }
  | { readonly page: 'entity'; readonly type: string; readonly id: string }
  | { readonly page: 'rules' }
  | { readonly page: 'coverage' }
  | { readonly page: 'not-found'; readonly path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  // Only `#/…` is a route: any other hash (an in-page anchor) leaves the page where it is.
  if (path === '' || !path.startsWith('/')) return { page: 'overview' };
  let parts: string[];
  try {
    // Empty segments are kept after an entity's type: a file's id starts with a slash.
    parts = path.slice(1).split('/').map((p) => decodeURIComponent(p));
  } catch {
    return { page: 'not-found', path };
  }
  const [a, b, ...rest] = parts;
  const more = b !== undefined && b !== '';
  if (a === undefined || a === '' || a === 'overview') return { page: 'overview' };
  if (a === 'attacks') return more ? { page: 'attack', id: b } : { page: 'attacks' };
  if (a === 'signals' || a === 'threats') return more ? { page: 'finding', kind: a, id: b } : { page: 'explore', kind: a };
  if (a === 'entities') return more && rest.length > 0 ? { page: 'entity', type: b, id: rest.join('/') } : { page: 'entities' };
  if (a === 'rules') return { page: 'rules' };
  if (a === 'coverage') return { page: 'coverage' };
  return { page: 'not-found', path };
}

/** The hash of a route's page (ids are encoded piece by piece: entity ids hold slashes). */
export const href = {
  overview: (): string => '#/overview',
  attacks: (): string => '#/attacks',
  attack: (id: string): string => `#/attacks/${encodeURIComponent(id)}`,
  explore: (kind: 'signals' | 'threats'): string => `#/${kind}`,
  finding: (kind: 'signals' | 'threats', id: string): string => `#/${kind}/${encodeURIComponent(id)}`,
  entities: (): string => '#/entities',
  entity: (type: string, id: string): string => `#/entities/${encodeURIComponent(type)}/${id.split('/').map(encodeURIComponent).join('/')}`,
  rules: (): string => '#/rules',
  coverage: (): string => '#/coverage',
};

/** The current route; a hash that is not a route (`#main`, the skip link's target) keeps the page. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = (): void => {
      const h = window.location.hash;
      if (h === '' || h.startsWith('#/')) setRoute(parseRoute(h));
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** The `?a=b` part of the hash (filters a link can carry: `#/attacks?intent=ransomware`). */
export function hashParams(): URLSearchParams {
  const h = window.location.hash;
  const i = h.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : h.slice(i + 1));
}

/** Keeps a page's filters in its hash without a new history entry per keystroke. */
export function setHashParams(params: Readonly<Record<string, string>>): void {
  const h = window.location.hash;
  const base = h.split('?')[0] ?? '';
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${base}${q === '' ? '' : `?${q}`}`);
}
