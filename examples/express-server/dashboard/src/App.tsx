import { useCallback, useEffect, useState } from 'react';
import { api } from './api';
import { CallPage } from './pages/CallPage';
import { CallsPage } from './pages/CallsPage';
import { ConversationPage } from './pages/ConversationPage';
import { SignIn } from './pages/SignIn';
import { TrendsPage } from './pages/TrendsPage';

/** `#/calls`, `#/calls/<id>`, `#/trends`, `#/conversation`: one page, client-side routes. */
const readRoute = () => (window.location.hash.replace(/^#\/?/, '') || 'calls').split('/');

function useRoute(): string[] {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const onChange = () => setRoute(readRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App() {
  const [signedIn, setSignedIn] = useState<boolean | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    api<{ signedIn: boolean }>('/api/session').then(
      (session) => setSignedIn(session.signedIn),
      () => setSignedIn(false),
    );
  }, []);
  const onUnauthorized = useCallback(() => setSignedIn(false), []);

  if (signedIn === undefined) return <main className="loading">Loading…</main>;
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const [page, id] = route;
  return (
    <>
      <header className="top">
        <a className="brand" href="#/calls">
          EchoLens
        </a>
        <nav>
          <a className={page === 'calls' ? 'active' : ''} href="#/calls">
            Calls
          </a>
          <a className={page === 'trends' ? 'active' : ''} href="#/trends">
            Trends
          </a>
          <a className={page === 'conversation' ? 'active' : ''} href="#/conversation">
            Text conversation
          </a>
          <a href="/docs">API</a>
        </nav>
        <button
          type="button"
          className="link"
          onClick={() => api('/api/session', { method: 'DELETE' }).finally(() => setSignedIn(false))}
        >
          Sign out
        </button>
      </header>
      <main>
        {page === 'calls' && id ? (
          <CallPage id={id} onUnauthorized={onUnauthorized} />
        ) : page === 'trends' ? (
          <TrendsPage onUnauthorized={onUnauthorized} />
        ) : page === 'conversation' ? (
          <ConversationPage onUnauthorized={onUnauthorized} />
        ) : (
          <CallsPage onUnauthorized={onUnauthorized} />
        )}
      </main>
    </>
  );
}
