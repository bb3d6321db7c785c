import * as React from 'react';

import { AnalysisModel } from '../panel/analysis';
import { languageList, SortKey, toggleSort } from '../panel/state';
import { CodePark } from '../tokens';

const COLUMNS: { key: SortKey; label: string; title: string }[] = [
  { key: 'path', label: 'File', title: 'Path in the repository' },
  {
    key: 'hotspot_score',
    label: 'Hot',
    title: 'revisions × complexity, 0..1'
  },
  { key: 'revisions', label: 'Revs', title: 'Commits that changed the file' },
  { key: 'complexity', label: 'CC', title: 'Cyclomatic complexity (sum)' },
  { key: 'loc', label: 'LOC', title: 'Lines of code' }
];

function Card({
  label,
  value,
  title
}: {
  label: string;
  value: React.ReactNode;
  title?: string;
}) {
  return (
    <div className="jp-CodePark-card" title={title}>
      <div className="jp-CodePark-cardValue">{value}</div>
      <div className="jp-CodePark-cardLabel">{label}</div>
    </div>
  );
}

export function SummaryCards({
  summary
}: {
  summary: CodePark.ISummary;
}): JSX.Element {
  return (
    <div className="jp-CodePark-cards" aria-label="Summary">
      <Card label="commits" value={summary.commits.toLocaleString('en-US')} />
      <Card label="authors" value={summary.authors.toLocaleString('en-US')} />
      <Card label="files" value={summary.files.toLocaleString('en-US')} />
      <Card
        label="bus factor"
        value={summary.bus_factor}
        title="Fewest authors who together made more than half of the changes"
      />
      <div className="jp-CodePark-languages" title="Files per language">
        {languageList(summary.languages) || 'no languages detected'}
      </div>
    </div>
  );
}

const fmt = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined ? '–' : v.toFixed(digits);

/** The hotspots table: sortable headers, a folder filter; a row opens the file. */
export function HotspotsTable({
  model,
  onOpen
}: {
  model: AnalysisModel;
  onOpen: (file: CodePark.IFile) => void;
}): JSX.Element {
  const rows = model.shownHotspots;
  const sort = model.sort;
  return (
    <div className="jp-CodePark-hotspots">
      <label className="jp-CodePark-filter">
        Folder{' '}
        <select
          className="jp-mod-styled"
          aria-label="Filter hotspots by folder"
          value={model.folder}
          onChange={e => model.setFolder(e.target.value)}
        >
          <option value="">all folders</option>
          {model.folders.map(f => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </label>
      {rows.length === 0 ? (
        <p className="jp-CodePark-muted">
          No hotspots{model.folder ? ` in ${model.folder}` : ''}: files need
          changes and measurable code.
        </p>
      ) : (
        <table className="jp-CodePark-table">
          <thead>
            <tr>
              {COLUMNS.map(c => (
                <th
                  key={c.key}
                  title={c.title}
                  aria-sort={
                    sort.key === c.key
                      ? sort.descending
                        ? 'descending'
                        : 'ascending'
                      : 'none'
                  }
                >
                  <button
                    className="jp-CodePark-sort"
                    data-sort={c.key}
                    onClick={() => model.setSort(toggleSort(sort, c.key))}
                  >
                    {c.label}
                    {sort.key === c.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(f => (
              <tr
                key={f.path}
                data-path={f.path}
                tabIndex={0}
                title={`Open ${f.path} at its most complex function`}
                onClick={() => onOpen(f)}
                onKeyDown={e => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onOpen(f);
                  }
                }}
              >
                <td className="jp-CodePark-path">
                  <bdi>{f.path}</bdi>
                </td>
                <td>
                  <span
                    className="jp-CodePark-heat"
                    style={{ width: `${Math.round(f.hotspot_score * 100)}%` }}
                  />
                  {fmt(f.hotspot_score, 2)}
                </td>
                <td>{fmt(f.revisions)}</td>
                <td>{fmt(f.complexity)}</td>
                <td>{fmt(f.loc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
