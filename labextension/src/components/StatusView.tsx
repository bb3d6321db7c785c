import * as React from 'react';

import { featureRows, StatusState } from '../panel/model';

export interface IStatusViewProps {
  state: StatusState;
  onRefresh: () => void;
}

/** The panel's server-status section: loading, ready, extension missing, or error. */
export function StatusView({
  state,
  onRefresh
}: IStatusViewProps): JSX.Element {
  switch (state.kind) {
    case 'loading':
      return (
        <div className="jp-CodePark-muted">
          Connecting to the CodePark server…
        </div>
      );
    case 'missing':
    case 'error':
      return (
        <div className="jp-CodePark-error" role="alert">
          <p>{state.message}</p>
          <button className="jp-mod-styled jp-mod-accept" onClick={onRefresh}>
            Retry
          </button>
        </div>
      );
    case 'ready': {
      const rows = featureRows(state.status);
      return (
        <div className="jp-CodePark-status">
          <div className="jp-CodePark-version">
            Server extension {state.status.version}{' '}
            <span
              className={
                state.status.healthy ? 'jp-CodePark-ok' : 'jp-CodePark-warn'
              }
            >
              {state.status.healthy ? 'healthy' : 'needs attention'}
            </span>
          </div>
          <ul className="jp-CodePark-features">
            {rows.map(row => (
              <li key={row.name} data-feature={row.name} title={row.detail}>
                <span
                  className={
                    !row.enabled
                      ? 'jp-CodePark-dot jp-CodePark-off'
                      : row.healthy
                        ? 'jp-CodePark-dot jp-CodePark-ok'
                        : 'jp-CodePark-dot jp-CodePark-warn'
                  }
                />
                <span className="jp-CodePark-featureName">{row.label}</span>
                <span className="jp-CodePark-featureDetail">{row.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      );
    }
  }
}
