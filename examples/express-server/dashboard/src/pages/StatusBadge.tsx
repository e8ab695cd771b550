import type { CallSummary } from '../api';

export function StatusBadge({
  call,
}: {
  call: Pick<CallSummary, 'status' | 'stage' | 'progress' | 'error'>;
}) {
  const working = call.status === 'transcribing' || call.status === 'analyzing';
  return (
    <span
      className={`status status-${call.status}`}
      title={call.error?.message ?? ''}
      data-status={call.status}
    >
      {call.status}
      {working && call.stage ? ` · ${call.stage} ${Math.round(call.progress * 100)}%` : ''}
      {call.status === 'failed' && call.error ? `: ${call.error.message}` : ''}
    </span>
  );
}
