import { type FormEvent, useState } from 'react';
import { type CallDetail, postJson, Unauthorized } from '../api';

const EXAMPLE = `Agent: Thank you for calling, my name is Sam. How can I help?
Customer: I was charged twice for my subscription this month.
Agent: I am sorry about that. I can see the duplicate charge and I will refund it today.
Customer: Great, thank you.`;

/** A chat log or an existing transcript, analysed without audio. */
export function ConversationPage({ onUnauthorized }: { onUnauthorized: () => void }) {
  const [text, setText] = useState(EXAMPLE);
  const [agentId, setAgentId] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [result, setResult] = useState<CallDetail | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const metadata = { ...(agentId ? { agentId } : {}), ...(customerId ? { customerId } : {}) };
      setResult(await postJson<CallDetail>('/api/conversations', { text, metadata }));
    } catch (failure) {
      if (failure instanceof Unauthorized) onUnauthorized();
      else setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const insights = result?.analysis?.insights;
  return (
    <section className="conversation">
      <h1>Text conversation</h1>
      <form onSubmit={submit}>
        <label htmlFor="conversation-text">One turn per line, starting with “Agent:” or “Customer:”</label>
        <textarea
          id="conversation-text"
          rows={10}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <div className="upload-fields">
          <input
            placeholder="agent id"
            value={agentId}
            onChange={(event) => setAgentId(event.target.value)}
          />
          <input
            placeholder="customer id"
            value={customerId}
            onChange={(event) => setCustomerId(event.target.value)}
          />
          <button type="submit" disabled={busy || !text.trim()}>
            {busy ? 'Analysing…' : 'Analyse'}
          </button>
        </div>
      </form>
      {error && <p className="error">{error}</p>}
      {result && insights && (
        <div className="insights">
          <h2>Result</h2>
          <p>{insights.summary.text}</p>
          <dl className="facts">
            <dt>Topic</dt>
            <dd>{insights.intent.primary.topicId}</dd>
            <dt>Customer sentiment</dt>
            <dd>
              {insights.sentiment.customer.label}
              {insights.sentiment.customer.score === null
                ? ''
                : ` (${insights.sentiment.customer.score.toFixed(2)})`}
            </dd>
            <dt>Resolution</dt>
            <dd>{insights.resolution.status}</dd>
            <dt>Escalation risk</dt>
            <dd>{insights.escalation.risk ?? insights.escalation.level}</dd>
          </dl>
          <a href={`#/calls/${result.id}`}>Open the call page</a>
        </div>
      )}
    </section>
  );
}
