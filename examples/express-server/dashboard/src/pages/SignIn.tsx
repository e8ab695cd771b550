import { type FormEvent, useState } from 'react';
import { postJson } from '../api';

/** The key is exchanged once for an HttpOnly cookie; the page never keeps it. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    try {
      await postJson('/api/session', { apiKey: key.trim() });
      setKey('');
      onSignedIn();
    } catch (failure) {
      setError(
        (failure as Error).message === 'sign in' ? 'That key is not valid.' : (failure as Error).message,
      );
    }
  };
  return (
    <main className="sign-in">
      <h1>EchoLens</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          placeholder="printed at first start, or in the data folder's api-key file"
        />
        <button type="submit" disabled={!key.trim()}>
          Sign in
        </button>
        {error && <p className="error">{error}</p>}
      </form>
    </main>
  );
}
