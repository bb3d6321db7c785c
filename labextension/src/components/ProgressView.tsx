import * as React from 'react';

import { progressOf } from '../panel/state';
import { CodePark } from '../tokens';

/** A job's live progress: phase, bar, counts, ETA and a cancel button. */
export function ProgressView({
  job,
  onCancel
}: {
  job: CodePark.IJob;
  onCancel: () => void;
}): JSX.Element {
  const p = progressOf(job);
  const pct = p.fraction === null ? null : Math.round(p.fraction * 100);
  return (
    <div className="jp-CodePark-progress" data-state={job.state}>
      <div className="jp-CodePark-progressHead">
        <span className="jp-CodePark-phase">{p.label}</span>
        <span className="jp-CodePark-eta">{p.eta}</span>
      </div>
      <div
        className={
          pct === null
            ? 'jp-CodePark-bar jp-CodePark-bar-indeterminate'
            : 'jp-CodePark-bar'
        }
        role="progressbar"
        aria-label="Analysis progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
      >
        <div
          className="jp-CodePark-barFill"
          style={{ width: pct === null ? '30%' : `${pct}%` }}
        />
      </div>
      <div className="jp-CodePark-progressFoot">
        <span className="jp-CodePark-muted">{p.detail}</span>
        <button
          className="jp-mod-styled jp-mod-warn jp-CodePark-cancel"
          onClick={onCancel}
        >
          Cancel
        </button>
      </div>
    </div>
  );
}
