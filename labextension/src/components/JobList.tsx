import * as React from 'react';

import { formatAgo } from '../panel/state';
import { CodePark } from '../tokens';

const RERUNNABLE = new Set(['done', 'failed', 'cancelled', 'interrupted']);

/** Past and current analyses with their state; failed ones say why; re-run / cancel. */
export function JobList({
  jobs,
  onRerun,
  onCancel
}: {
  jobs: CodePark.IJob[];
  onRerun: (id: string) => void;
  onCancel: (id: string) => void;
}): JSX.Element {
  if (!jobs.length) {
    return (
      <p className="jp-CodePark-muted">
        No analyses yet: choose a repository and press Analyse.
      </p>
    );
  }
  return (
    <ul className="jp-CodePark-jobs">
      {jobs.map(job => (
        <li key={job.id} data-job={job.id} data-state={job.state}>
          <span className="jp-CodePark-jobPath" title={job.path ?? ''}>
            {job.path || job.path === ''
              ? job.path || '(server root)'
              : '(outside root)'}
          </span>
          <span className={`jp-CodePark-badge jp-CodePark-badge-${job.state}`}>
            {job.state}
          </span>
          <span className="jp-CodePark-muted jp-CodePark-jobTime">
            {formatAgo(job.created_at)}
          </span>
          {job.state === 'queued' || job.state === 'running' ? (
            <button
              className="jp-mod-styled jp-CodePark-small"
              onClick={() => onCancel(job.id)}
              aria-label={`Cancel the analysis of ${job.path}`}
            >
              Cancel
            </button>
          ) : RERUNNABLE.has(job.state) ? (
            <button
              className="jp-mod-styled jp-CodePark-small"
              onClick={() => onRerun(job.id)}
              aria-label={`Re-run the analysis of ${job.path}`}
            >
              Re-run
            </button>
          ) : null}
          {job.error && job.state !== 'cancelled' ? (
            <div className="jp-CodePark-jobError" role="note">
              {job.error}
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
