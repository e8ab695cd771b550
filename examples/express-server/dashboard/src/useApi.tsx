import { useCallback, useEffect, useState } from 'react';
import { api, Unauthorized } from './api';

/**
 * A page's failure message and the handler for a failed request: a 401 calls `onUnauthorized` (back to
 * sign-in), anything else becomes the message.
 */
export function useFailure(onUnauthorized: () => void) {
  const [error, setError] = useState('');
  const fail = useCallback(
    (failure: unknown) =>
      failure instanceof Unauthorized ? onUnauthorized() : setError((failure as Error).message),
    [onUnauthorized],
  );
  return { error, fail };
}

/**
 * GETs `path` (with the session cookie) when the page opens and whenever `path` changes: the answer once
 * it has come, the failure message, and `reload` to fetch it again. A 401 calls `onUnauthorized`.
 */
export function useApi<T>(path: string, onUnauthorized: () => void) {
  const [data, setData] = useState<T | undefined>();
  const { error, fail } = useFailure(onUnauthorized);
  const reload = useCallback(() => {
    api<T>(path).then(setData, fail);
  }, [path, fail]);
  useEffect(reload, [reload]);
  return { data, setData, error, reload };
}

/** What a page shows until its data has come: the failure, else "Loading…". */
export function Pending({ error }: { error: string }) {
  return error ? <p className="error">{error}</p> : <p>Loading…</p>;
}
