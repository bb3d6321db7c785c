import * as React from 'react';

import { AnalysisModel } from '../panel/analysis';
import { isActive } from '../panel/state';
import { ICodeParkSettings } from '../tokens';
import { ProgressView } from './ProgressView';

const OTHER = '\u0000other';

function NumberField({
  label,
  value,
  min,
  name,
  onChange
}: {
  label: string;
  value: number;
  min: number;
  name: string;
  onChange: (v: number) => void;
}): JSX.Element {
  return (
    <label className="jp-CodePark-option">
      {label}
      <input
        className="jp-mod-styled"
        type="number"
        name={name}
        min={min}
        value={value}
        onChange={e => {
          const v = Number(e.target.value);
          if (Number.isFinite(v) && v >= min) {
            onChange(v);
          }
        }}
      />
    </label>
  );
}

/** Choose a repository (or type a folder), set coupling thresholds, analyse, follow progress. */
export function AnalyseView({
  model,
  onSettings,
  onOpenCity
}: {
  model: AnalysisModel;
  onSettings: (patch: Partial<ICodeParkSettings>) => void;
  onOpenCity: () => void;
}): JSX.Element {
  const [typed, setTyped] = React.useState('');
  const [other, setOther] = React.useState(false);
  const known = model.repos.some(r => r.path === model.selected);
  const choice =
    other || (model.selected !== null && !known)
      ? OTHER
      : (model.selected ?? '');
  const job = model.currentJob;
  const repo =
    model.selected !== null ? model.repoAt(model.selected) : undefined;
  const s = model.settings;
  const analyse = () => {
    void model.analyse(other ? typed.trim() : (model.selected ?? ''));
  };
  return (
    <div className="jp-CodePark-analyse">
      {model.reposError ? (
        <div className="jp-CodePark-error" role="alert">
          {model.reposError}
        </div>
      ) : null}
      {!model.reposError && !model.repos.length ? (
        <p className="jp-CodePark-muted">
          No git repository found under the server root (3 folders deep). Clone
          one with the Git extension or a terminal, or type a folder below.
        </p>
      ) : null}
      <label className="jp-CodePark-repoLabel">
        Repository
        <select
          className="jp-mod-styled jp-CodePark-repoSelect"
          aria-label="Repository"
          value={choice}
          onChange={e => {
            const v = e.target.value;
            if (v === OTHER) {
              setOther(true);
            } else {
              setOther(false);
              model.select(v);
            }
          }}
        >
          {model.repos.map(r => (
            <option key={r.path} value={r.path}>
              {(r.path || '(server root)') +
                (r.repo_id !== null ? '' : ' · not analysed')}
            </option>
          ))}
          <option value={OTHER}>Other folder…</option>
        </select>
      </label>
      {choice === OTHER ? (
        <input
          className="jp-mod-styled jp-CodePark-folderInput"
          aria-label="Folder to analyse, relative to the server root"
          placeholder="folder/in/the/server/root"
          value={typed}
          onChange={e => setTyped(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              analyse();
            }
          }}
        />
      ) : null}
      <details className="jp-CodePark-options">
        <summary>Options: coupling thresholds</summary>
        <NumberField
          label="Min revisions per file"
          name="min_revisions"
          min={1}
          value={s.couplingMinRevisions}
          onChange={v => onSettings({ couplingMinRevisions: v })}
        />
        <NumberField
          label="Min shared commits"
          name="min_shared"
          min={1}
          value={s.couplingMinShared}
          onChange={v => onSettings({ couplingMinShared: v })}
        />
        <NumberField
          label="Min degree (%)"
          name="min_degree"
          min={0}
          value={s.couplingMinDegree}
          onChange={v => onSettings({ couplingMinDegree: v })}
        />
        <p className="jp-CodePark-muted">
          Small repositories often have no pair at the defaults (5, 5, 30 %).
        </p>
      </details>
      <div className="jp-CodePark-actions">
        <button
          className="jp-mod-styled jp-mod-accept jp-CodePark-analyseButton"
          disabled={
            Boolean(job && isActive(job)) || (choice === OTHER && !typed.trim())
          }
          onClick={analyse}
        >
          Analyse
        </button>
        <button
          className="jp-mod-styled jp-CodePark-cityButton"
          disabled={!repo || repo.repo_id === null}
          onClick={onOpenCity}
          title="Open the 3D city of this repository in the main area"
        >
          Open 3D city
        </button>
      </div>
      {model.actionError ? (
        <div className="jp-CodePark-error" role="alert">
          {model.actionError}
        </div>
      ) : null}
      {job && isActive(job) ? (
        <ProgressView job={job} onCancel={() => void model.cancel(job.id)} />
      ) : null}
      {job && job.state === 'done' ? (
        <div className="jp-CodePark-done" role="status">
          Analysis done.
        </div>
      ) : null}
      {job && job.state === 'failed' ? (
        <div className="jp-CodePark-error" role="alert">
          The analysis failed: {job.error ?? 'no message'}.{' '}
          <button
            className="jp-mod-styled"
            onClick={() => void model.rerun(job.id)}
          >
            Re-run
          </button>
        </div>
      ) : null}
      {job && job.state === 'interrupted' ? (
        <div className="jp-CodePark-warnBox" role="status">
          The analysis was interrupted (the server restarted).{' '}
          <button
            className="jp-mod-styled"
            onClick={() => void model.rerun(job.id)}
          >
            Re-run
          </button>
        </div>
      ) : null}
      {job && job.state === 'cancelled' ? (
        <div className="jp-CodePark-muted" role="status">
          Analysis cancelled.
        </div>
      ) : null}
    </div>
  );
}
