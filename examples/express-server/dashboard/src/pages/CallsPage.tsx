import { type DragEvent, useCallback, useEffect, useRef, useState } from 'react';
import {
  api,
  type CallSummary,
  formatTime,
  postJson,
  subscribeToCalls,
  Unauthorized,
  uploadFiles,
} from '../api';
import { useFailure } from '../useApi';
import { StatusBadge } from './StatusBadge';

interface Upload {
  id: number;
  name: string;
  fraction: number;
  message?: string;
  failed?: boolean;
}

const STATUSES = ['', 'pending', 'transcribing', 'transcribed', 'analyzing', 'done', 'failed'];

export function CallsPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const [calls, setCalls] = useState<CallSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [filters, setFilters] = useState({ status: '', agent: '', topic: '', from: '', to: '' });
  const [fields, setFields] = useState({ agentId: '', customerId: '', channelRoles: '', until: 'analyze' });
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const { error, fail } = useFailure(onUnauthorized);

  const query = useCallback(
    (cursor?: string) => {
      const parameters = new URLSearchParams({ limit: '50' });
      for (const [name, value] of Object.entries(filters)) if (value) parameters.set(name, value);
      if (cursor) parameters.set('cursor', cursor);
      return api<{ items: CallSummary[]; nextCursor: string | null; total: number }>(
        `/api/calls?${parameters}`,
      );
    },
    [filters],
  );

  const load = useCallback(() => {
    query().then((page) => {
      setCalls(page.items);
      setTotal(page.total);
      setNextCursor(page.nextCursor);
    }, fail);
  }, [query, fail]);

  useEffect(load, [load]);

  // Live status: patch the row at once; reload when a call appears, finishes or goes.
  const reload = useRef<number | undefined>(undefined);
  useEffect(
    () =>
      subscribeToCalls((update) => {
        setCalls((current) =>
          current.map((call) =>
            call.id === update.id && update.status !== 'deleted'
              ? {
                  ...call,
                  status: update.status,
                  stage: update.stage,
                  progress: update.progress,
                  error: update.error,
                }
              : call,
          ),
        );
        if (['pending', 'done', 'transcribed', 'failed', 'deleted'].includes(update.status)) {
          window.clearTimeout(reload.current);
          reload.current = window.setTimeout(load, 300);
        }
      }),
    [load],
  );

  const upload = async (files: File[]) => {
    if (files.length === 0) return;
    const entry: Upload = {
      id: Date.now() + Math.random(),
      name: files.map((file) => file.name).join(', '),
      fraction: 0,
    };
    setUploads((current) => [entry, ...current]);
    const update = (change: Partial<Upload>) =>
      setUploads((current) => current.map((item) => (item.id === entry.id ? { ...item, ...change } : item)));
    try {
      const { calls: created } = await uploadFiles(files, fields, (fraction) => update({ fraction }));
      const failed = created.filter((call) => call.status === 'failed');
      update({
        fraction: 1,
        message: `${created.length} call${created.length === 1 ? '' : 's'} created${failed.length ? `, ${failed.length} refused: ${failed.map((call) => `${call.name} (${call.error?.message})`).join('; ')}` : ''}`,
      });
      load();
    } catch (failure) {
      if (failure instanceof Unauthorized) onUnauthorized();
      update({ failed: true, message: (failure as Error).message });
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void upload([...event.dataTransfer.files]);
  };

  const act = (call: CallSummary, action: 'transcribe' | 'analyze' | 'retry') =>
    postJson(`/api/calls/${call.id}/${action}`).then(load, fail);

  return (
    <section>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop zone also has a file chooser button */}
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          Drop recordings or a ZIP of recordings here, or{' '}
          <button type="button" className="link" onClick={() => input.current?.click()}>
            choose files
          </button>
        </p>
        <input
          ref={input}
          data-testid="file-input"
          type="file"
          multiple
          accept="audio/*,.zip,.wav,.mp3,.m4a,.ogg,.opus,.flac,.webm"
          hidden
          onChange={(event) => {
            void upload([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
        <div className="upload-fields">
          <input
            placeholder="agent id"
            value={fields.agentId}
            onChange={(event) => setFields({ ...fields, agentId: event.target.value })}
          />
          <input
            placeholder="customer id"
            value={fields.customerId}
            onChange={(event) => setFields({ ...fields, customerId: event.target.value })}
          />
          <input
            placeholder="channels, e.g. agent,customer"
            value={fields.channelRoles}
            onChange={(event) => setFields({ ...fields, channelRoles: event.target.value })}
          />
          <select
            value={fields.until}
            onChange={(event) => setFields({ ...fields, until: event.target.value })}
          >
            <option value="analyze">transcribe and analyze</option>
            <option value="transcribe">transcribe only</option>
            <option value="none">store only</option>
          </select>
        </div>
        {uploads.map((item) => (
          <div className="upload" key={item.id}>
            <span>{item.name}</span>
            <progress max={1} value={item.fraction} />
            {item.message && <span className={item.failed ? 'error' : 'muted'}>{item.message}</span>}
          </div>
        ))}
      </div>

      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <select
          aria-label="status"
          value={filters.status}
          onChange={(event) => setFilters({ ...filters, status: event.target.value })}
        >
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status || 'any status'}
            </option>
          ))}
        </select>
        <input
          placeholder="agent"
          value={filters.agent}
          onChange={(event) => setFilters({ ...filters, agent: event.target.value })}
        />
        <input
          placeholder="topic"
          value={filters.topic}
          onChange={(event) => setFilters({ ...filters, topic: event.target.value })}
        />
        <label>
          from{' '}
          <input
            type="date"
            value={filters.from}
            onChange={(event) => setFilters({ ...filters, from: event.target.value })}
          />
        </label>
        <label>
          to{' '}
          <input
            type="date"
            value={filters.to}
            onChange={(event) => setFilters({ ...filters, to: event.target.value })}
          />
        </label>
        <span className="muted">{total} calls</span>
      </form>
      {error && <p className="error">{error}</p>}

      <table className="calls">
        <thead>
          <tr>
            <th>Call</th>
            <th>Status</th>
            <th>Agent</th>
            <th>Topic</th>
            <th>Sentiment</th>
            <th>Length</th>
            <th>When</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {calls.map((call) => (
            <tr key={call.id} data-call-id={call.id}>
              <td>
                <a href={`#/calls/${call.id}`}>{call.name}</a>
              </td>
              <td>
                <StatusBadge call={call} />
              </td>
              <td>{call.agentId ?? ''}</td>
              <td>{call.topic ?? ''}</td>
              <td>{call.customerSentiment === null ? '' : call.customerSentiment.toFixed(2)}</td>
              <td>{formatTime(call.durationSec)}</td>
              <td>{new Date(call.callTime).toLocaleString()}</td>
              <td className="actions">
                {call.kind === 'audio' && call.status === 'pending' && !call.stage && (
                  <button type="button" onClick={() => act(call, 'transcribe')}>
                    Transcribe
                  </button>
                )}
                {call.kind === 'audio' && (call.status === 'transcribed' || call.status === 'pending') && (
                  <button type="button" onClick={() => act(call, 'analyze')}>
                    Analyze
                  </button>
                )}
                {call.status === 'failed' && (
                  <button type="button" onClick={() => act(call, 'retry')}>
                    Retry
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {nextCursor && (
        <button
          type="button"
          onClick={() =>
            query(nextCursor).then((page) => {
              setCalls((current) => [...current, ...page.items]);
              setNextCursor(page.nextCursor);
            }, fail)
          }
        >
          More
        </button>
      )}
    </section>
  );
}
