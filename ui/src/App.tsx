import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Api, ApiError, type Session } from './api.js';
import { ErrorBox, Loading } from './components/common.js';
import { Ctx, type AppContext } from './context.js';
import { LiveStream } from './live.js';
import Attacks from './pages/Attacks.js';
import { Entities, Entity } from './pages/Entities.js';
import Explorer, { Finding } from './pages/Explorer.js';
import Overview from './pages/Overview.js';
import Rules from './pages/Rules.js';
import { href, useRoute, type Route } from './router.js';
import type { Me } from './types.js';

// The heavy pages (the graph library, the whole ATT&CK matrix) load when first opened.
const Story = lazy(() => import('./pages/Story.js'));
const Coverage = lazy(() => import('./pages/Coverage.js'));

type Theme = 'light' | 'dark' | 'system';

function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('vigil.theme') as Theme | null) ?? 'system');
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
    localStorage.setItem('vigil.theme', theme);
  }, [theme]);
  return [theme, setTheme];
}

export default function App({ session }: { session: Session }): ReactNode {
  const api = useMemo(() => new Api(session), [session]);
  const [token, setToken] = useState(session.token);
  const [me, setMe] = useState<Me | undefined>();
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => session.subscribe(() => setToken(session.token)), [session]);
  useEffect(() => {
    setMe(undefined);
    setError(undefined);
    if (token === null) return;
    const ctl = new AbortController();
    api.get<Me>('/api/v1/me', ctl.signal).then(
      (m) => {
        if (!ctl.signal.aborted) setMe(m);
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) setError(e as Error);
      },
    );
    return () => ctl.abort();
  }, [api, token]);
  if (token === null) return <Login session={session} />;
  if (me === undefined) {
    return (
      <main className="login">
        <Loading when={error === undefined} />
        <ErrorBox error={error} />
        {error !== undefined ? (
          <button type="button" onClick={() => session.set(null)}>
            Sign in again
          </button>
        ) : null}
      </main>
    );
  }
  return <SignedIn api={api} me={me} />;
}

function SignedIn({ api, me }: { api: Api; me: Me }): ReactNode {
  const live = useMemo(() => new LiveStream(api), [api]);
  const [connected, setConnected] = useState(false);
  const [theme, setTheme] = useTheme();
  useEffect(() => {
    const off = live.onState(setConnected);
    live.start();
    return () => {
      off();
      live.stop();
    };
  }, [live]);
  const ctx: AppContext = useMemo(() => ({ api, live, me }), [api, live, me]);
  const route = useRoute();
  useEffect(() => {
    document.title = `Vigil · ${titleOf(route)}`;
    // Move focus to the new page's heading, so keyboard and screen-reader users land on it.
    const h = document.querySelector('main h1');
    if (h instanceof HTMLElement) {
      h.tabIndex = -1;
      h.focus({ preventScroll: true });
    }
  }, [route]);
  return (
    <Ctx.Provider value={ctx}>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          // Moves the focus without touching the hash, which holds the route.
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href={href.overview()}>
          Vigil
        </a>
        <nav aria-label="Main">
          <NavLink to={href.overview()} on={route.page === 'overview'}>
            Overview
          </NavLink>
          <NavLink to={href.attacks()} on={route.page === 'attacks' || route.page === 'attack'}>
            Attacks
          </NavLink>
          <NavLink to={href.explore('threats')} on={(route.page === 'explore' || route.page === 'finding') && route.kind === 'threats'}>
            Threats
          </NavLink>
          <NavLink to={href.explore('signals')} on={(route.page === 'explore' || route.page === 'finding') && route.kind === 'signals'}>
            Signals
          </NavLink>
          <NavLink to={href.entities()} on={route.page === 'entities' || route.page === 'entity'}>
            Entities
          </NavLink>
          <NavLink to={href.rules()} on={route.page === 'rules'}>
            Rules
          </NavLink>
          <NavLink to={href.coverage()} on={route.page === 'coverage'}>
            Coverage
          </NavLink>
        </nav>
        <div className="top-right">
          <span className={connected ? 'live on' : 'live'} data-testid="live" role="status" title={connected ? 'Receiving live updates' : 'Live updates disconnected; retrying'}>
            {connected ? 'live' : 'offline'}
          </span>
          <label className="theme">
            <span className="visually-hidden">Theme</span>
            <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)} aria-label="Theme">
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <span className="muted small" title="Your token's name and role">
            {me.name} ({me.role})
          </span>
          <button type="button" className="link" onClick={() => api.session.set(null)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading when />}>
          <Page route={route} />
        </Suspense>
      </main>
    </Ctx.Provider>
  );
}

function NavLink({ to, on, children }: { to: string; on: boolean; children: ReactNode }): ReactNode {
  return (
    <a href={to} aria-current={on ? 'page' : undefined}>
      {children}
    </a>
  );
}

function titleOf(r: Route): string {
  switch (r.page) {
    case 'attack':
      return `Attack ${r.id}`;
    case 'explore':
      return r.kind === 'signals' ? 'Signals' : 'Threats';
    case 'finding':
      return r.id;
    case 'entity':
      return `${r.type} ${r.id}`;
    default:
      return r.page[0]?.toUpperCase() + r.page.slice(1);
  }
}

function Page({ route }: { route: Route }): ReactNode {
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'attacks':
      return <Attacks />;
    case 'attack':
      return <Story key={route.id} id={route.id} />;
    case 'explore':
      return <Explorer key={route.kind} kind={route.kind} />;
    case 'finding':
      return <Finding kind={route.kind} id={route.id} />;
    case 'entities':
      return <Entities />;
    case 'entity':
      return <Entity key={`${route.type}:${route.id}`} type={route.type} id={route.id} />;
    case 'rules':
      return <Rules />;
    case 'coverage':
      return <Coverage />;
    case 'not-found':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing at <code>#{route.path}</code>. <a href={href.overview()}>Go to the overview</a>.
          </p>
        </section>
      );
  }
}

function Login({ session }: { session: Session }): ReactNode {
  const [value, setValue] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <main className="login" id="main">
      <form
        className="card login-card"
        onSubmit={(e) => {
          e.preventDefault();
          const token = value.trim();
          if (token === '') return;
          setBusy(true);
          // Checked before it is kept, so a typo gets a message here rather than a blank app.
          fetch('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })
            .then(async (res) => {
              if (res.status === 401) throw new ApiError(401, 'UNAUTHORIZED', 'This token is not valid (or was revoked).');
              if (!res.ok) throw new ApiError(res.status, 'HTTP_ERROR', `The server answered ${res.status}.`);
              session.set(token);
            })
            .catch((err: unknown) => setError(err instanceof Error ? err : new Error(String(err))))
            .finally(() => setBusy(false));
        }}
      >
        <h1>Vigil</h1>
        <p>Sign in with an API token. The server prints a sign-in link with an admin token when it first starts; more tokens come from <code>vigil token create</code>.</p>
        <label className="field">
          <span>API token</span>
          <input type="password" name="token" autoComplete="off" autoFocus value={value} onChange={(e) => setValue(e.target.value)} placeholder="vgl_…" />
        </label>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy || value.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
