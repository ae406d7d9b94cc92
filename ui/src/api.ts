/**
 * The UI's only data source: the HTTP API, with the user's bearer token. The token lives in
 * sessionStorage (gone with the browser session); a 401 signs the user out.
 */

const TOKEN_KEY = 'vigil.token';

export class ApiError extends Error {
  /** The error body's other members (a rule reload's `problems`). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(readonly status: number, readonly code: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.details = details;
  }
}

type Listener = () => void;

/** Token storage and the sign-out signal, one per page. */
export class Session {
  #token: string | null;
  readonly #listeners = new Set<Listener>();

  constructor() {
    this.#token = sessionStorage.getItem(TOKEN_KEY);
  }

  get token(): string | null {
    return this.#token;
  }

  set(token: string | null): void {
    this.#token = token;
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
    for (const l of this.#listeners) l();
  }

  subscribe(l: Listener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  /**
   * The link the server prints carries `?token=`: take it, then drop it from the address bar
   * (and the history) so it is not bookmarked, shared or left in a screenshot.
   */
  adoptTokenFromUrl(): void {
    const url = new URL(window.location.href);
    const token = url.searchParams.get('token');
    if (token === null) return;
    url.searchParams.delete('token');
    window.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
    if (token.trim() !== '') this.set(token.trim());
  }
}

export class Api {
  constructor(readonly session: Session) {}

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.#call<T>('GET', path, undefined, signal);
  }

  async send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return this.#call<T>(method, path, body);
  }

  /** A fetch with the token, for streams. */
  raw(path: string, init: RequestInit): Promise<Response> {
    return fetch(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...this.#auth() } });
  }

  #auth(): Record<string, string> {
    const t = this.session.token;
    return t === null ? {} : { Authorization: `Bearer ${t}` };
  }

  async #call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await fetch(path, {
      method,
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...this.#auth() },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal === undefined ? {} : { signal }),
    });
    if (res.status === 401) {
      this.session.set(null);
      throw new ApiError(401, 'UNAUTHORIZED', 'Your token was not accepted. Sign in again.');
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'BAD_RESPONSE', `The server answered ${res.status} with something that is not JSON.`);
    }
    if (!res.ok) {
      const body = (parsed ?? {}) as { error?: { code?: string; message?: string } } & Record<string, unknown>;
      throw new ApiError(res.status, body.error?.code ?? 'HTTP_ERROR', body.error?.message ?? `HTTP ${res.status}`, body);
    }
    return parsed as T;
  }
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function query(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s === '' ? '' : `?${s}`;
}
