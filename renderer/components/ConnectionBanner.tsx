import { useEffect, useState } from 'react';
import { useConnection } from '../api/connection';

/**
 * Serve mode: when the server stops answering (stopped, crashed, the SSH tunnel dropped), say so
 * instead of failing silently, count down to the next attempt, and offer to try at once. The page
 * keeps the model it has; a server started again with a new token needs the new URL it printed.
 */
export function ConnectionBanner() {
  const { status, retryAt, retryNow } = useConnection();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (status !== 'offline') return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [status]);
  if (status !== 'offline') return null;
  const seconds = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
  return (
    <div className="connection-lost" role="alert" data-testid="connection-banner">
      <span>
        The studio server is not answering: it may have stopped, or the tunnel to it dropped. Your model stays here.{' '}
        {seconds > 0 ? `Trying again in ${seconds} s.` : 'Trying again…'} If you started <code>cnn-studio serve</code> again, open the new URL it printed.
      </span>
      {retryNow && (
        <button type="button" onClick={retryNow}>
          Retry now
        </button>
      )}
    </div>
  );
}
