import * as React from 'react';

import { IInsight } from '../panel/analysis';
import { sparkline } from '../panel/state';

const W = 160;
const H = 32;

export function Sparkline({
  values,
  label
}: {
  values: (number | null)[];
  label: string;
}): JSX.Element {
  const points = sparkline(values, W, H);
  const known = values.filter((v): v is number => v !== null);
  const last = known.length ? known[known.length - 1] : null;
  return (
    <svg
      className="jp-CodePark-sparkline"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${label}: ${known.join(', ')}`}
    >
      <title>{`${label} after each change (${known.length} versions, now ${last ?? '–'})`}</title>
      {points ? <polyline points={points} /> : null}
    </svg>
  );
}

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${Math.round(v * 100)} %`;
const num = (v: number | null | undefined, d = 0) =>
  v === null || v === undefined ? '–' : v.toFixed(d);

/** Insight for the active editor / notebook: metrics, trend, ownership, coupled files. */
export function InsightView({
  insight,
  onOpenCoupled,
  onAnalyse
}: {
  insight: IInsight;
  onOpenCoupled: (file: string) => void;
  onAnalyse: () => void;
}): JSX.Element {
  switch (insight.kind) {
    case 'none':
      return (
        <p className="jp-CodePark-muted">
          Open a file of an analysed repository to see its metrics, history and
          the files that change with it.
        </p>
      );
    case 'loading':
      return <p className="jp-CodePark-muted">Loading {insight.file}…</p>;
    case 'outside':
      return (
        <div className="jp-CodePark-muted">
          <p>
            <code>{insight.path}</code>: {insight.message}
          </p>
          {insight.repo && insight.repo.repo_id === null ? (
            <button className="jp-mod-styled" onClick={onAnalyse}>
              Analyse {insight.repo.name}
            </button>
          ) : null}
        </div>
      );
    case 'error':
      return (
        <div className="jp-CodePark-error" role="alert">
          {insight.message}
        </div>
      );
  }
  const r = insight.record!;
  const top = (insight.functions ?? []).slice(0, 3);
  const trend = insight.trend;
  return (
    <div className="jp-CodePark-insight" data-path={insight.file}>
      <div className="jp-CodePark-insightFile" title={insight.path}>
        {insight.file}
      </div>
      <dl className="jp-CodePark-metrics">
        <dt>Lines of code</dt>
        <dd>{num(r.loc)}</dd>
        <dt>Complexity</dt>
        <dd>
          {num(r.complexity)} (max {num(r.max_complexity)})
        </dd>
        <dt>Maintainability</dt>
        <dd>{num(r.maintainability, 1)}</dd>
        <dt>Revisions</dt>
        <dd>{num(r.revisions)}</dd>
        <dt>Hotspot</dt>
        <dd>{num(r.hotspot_score, 2)}</dd>
        <dt>Last change</dt>
        <dd>
          {r.age_days === null ? '–' : `${Math.round(r.age_days)} days ago`}
        </dd>
      </dl>
      <h4>Complexity trend</h4>
      {trend === null || trend === undefined ? (
        <p className="jp-CodePark-muted">Measuring past versions…</p>
      ) : trend.length ? (
        <Sparkline values={trend.map(t => t.complexity)} label="Complexity" />
      ) : (
        <p className="jp-CodePark-muted">No measurable past versions.</p>
      )}
      <h4>Ownership</h4>
      <p className="jp-CodePark-owner">
        {r.main_author ?? 'unknown'} wrote {pct(r.ownership)} · {r.authors}{' '}
        author
        {r.authors === 1 ? '' : 's'}
      </p>
      {top.length ? (
        <>
          <h4>Most complex functions</h4>
          <ul className="jp-CodePark-functions">
            {top.map(f => (
              <li key={`${f.name}:${f.lineno}`}>
                <code>{f.name}</code> line {f.lineno} · CC {f.complexity}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h4>Changes together with</h4>
      {insight.coupling && insight.coupling.length ? (
        <ul className="jp-CodePark-coupled">
          {insight.coupling.map(c => {
            const other = c.file ?? (c.a === insight.file ? c.b : c.a);
            return (
              <li key={other}>
                <button
                  className="jp-CodePark-link"
                  data-path={other}
                  onClick={() => onOpenCoupled(other)}
                  title={`${c.shared} shared commits`}
                >
                  {other}
                </button>{' '}
                <span className="jp-CodePark-muted">
                  {Math.round(c.degree)} %
                </span>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="jp-CodePark-muted">
          No coupled files above the thresholds (lower them under Options and
          re-run).
        </p>
      )}
    </div>
  );
}
