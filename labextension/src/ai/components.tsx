import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import * as React from 'react';

import { findingText } from './logic';
import { AIModel } from './model';
import { AI } from './types';

/** Re-render on each change of the AI model. */
function useModel(model: AIModel): void {
  const [, tick] = React.useReducer((n: number) => n + 1, 0);
  React.useEffect(() => {
    const on = () => tick();
    model.changed.connect(on);
    return () => {
      model.changed.disconnect(on);
    };
  }, [model]);
}

/** Markdown through JupyterLab's renderer (sanitised); plain text without one. */
export function Markdown({
  text,
  rendermime
}: {
  text: string;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const ref = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    const host = ref.current;
    if (!host || !rendermime) {
      return;
    }
    const renderer = rendermime.createRenderer('text/markdown');
    let live = true;
    void renderer
      .renderModel(
        new MimeModel({ data: { 'text/markdown': text }, trusted: false })
      )
      .then(() => {
        if (live) {
          host.replaceChildren(renderer.node);
        }
      });
    return () => {
      live = false;
      renderer.dispose();
    };
  }, [text, rendermime]);
  return rendermime ? (
    <div ref={ref} className="jp-CodePark-markdown" />
  ) : (
    <pre className="jp-CodePark-markdown">{text}</pre>
  );
}

function FindingRow({
  finding,
  onOpen
}: {
  finding: AI.IFinding;
  onOpen: (f: AI.IFinding) => void;
}): JSX.Element {
  const t = findingText(finding);
  const where =
    (finding.cell !== undefined ? `cell ${finding.cell + 1} · ` : '') +
    (finding.end_line > finding.line
      ? `L${finding.line}–${finding.end_line}`
      : `L${finding.line}`);
  return (
    <li>
      <button
        className="jp-CodePark-finding"
        data-severity={finding.severity}
        data-line={finding.line}
        title={`${t.title}\nFix: ${t.fix}\nEvidence: ${t.evidence}`}
        onClick={() => onOpen(finding)}
      >
        <span className={`jp-CodePark-severity jp-mod-${finding.severity}`}>
          {finding.severity}
        </span>
        <span className="jp-CodePark-findingWhere">{where}</span>
        <span className="jp-CodePark-findingMessage">{t.title}</span>
        <span className="jp-CodePark-findingEvidence">[{t.evidence}]</span>
      </button>
    </li>
  );
}

/** The panel's "AI review" section: the last review's findings; a click jumps to the line. */
export function ReviewSection({
  model,
  onOpen,
  onReview
}: {
  model: AIModel;
  onOpen: (review: { path: string; notebook: boolean }, f: AI.IFinding) => void;
  onReview: () => void;
}): JSX.Element {
  useModel(model);
  const review = model.review;
  return (
    <div className="jp-CodePark-aiReview">
      {model.reviewing ? (
        <p className="jp-CodePark-muted">Reviewing {model.reviewing}…</p>
      ) : null}
      {!review ? (
        <p className="jp-CodePark-muted">
          Right-click in a file or notebook cell and choose{' '}
          <em>Review with CodePark</em>: findings from lint rules, metrics and
          the repository's history show here and in the editor.
        </p>
      ) : (
        <>
          <p className="jp-CodePark-aiReviewHead">
            <strong>{review.path}</strong>
            {review.cell !== undefined
              ? ` (cell ${review.cell + 1})`
              : ''}: {review.findings.length} finding
            {review.findings.length === 1 ? '' : 's'}
            {review.cached ? ' (cached)' : ''}
          </p>
          {review.stale ? (
            <p className="jp-CodePark-warning" role="status">
              The document changed a lot since this review: its markers were
              cleared.{' '}
              <button className="jp-CodePark-link" onClick={onReview}>
                Review again
              </button>
            </p>
          ) : null}
          <ul className="jp-CodePark-findings">
            {review.findings.map((f, i) => (
              <FindingRow key={i} finding={f} onOpen={f => onOpen(review, f)} />
            ))}
          </ul>
          <p className="jp-CodePark-muted jp-CodePark-small">
            {review.generatedBy}
          </p>
        </>
      )}
    </div>
  );
}

/** The panel's "AI insights" section: a button and the repository's insights, rendered. */
export function InsightsSection({
  model,
  rendermime,
  repo,
  onGenerate
}: {
  model: AIModel;
  rendermime: IRenderMimeRegistry | null;
  repo: () => string | null;
  onGenerate: () => void;
}): JSX.Element {
  useModel(model);
  const current = repo();
  const insights =
    model.insights && model.insights.repo === current ? model.insights : null;
  return (
    <div className="jp-CodePark-aiInsights">
      <button
        className="jp-mod-styled jp-mod-accept jp-CodePark-insightsButton"
        disabled={!current || Boolean(insights?.running)}
        onClick={onGenerate}
      >
        {insights?.running ? 'Generating insights…' : 'Generate insights'}
      </button>
      {!current ? (
        <p className="jp-CodePark-muted">Choose an analysed repository.</p>
      ) : null}
      {insights?.error ? (
        <div className="jp-CodePark-error" role="alert">
          {insights.error}
        </div>
      ) : null}
      {insights?.text ? (
        <Markdown text={insights.text} rendermime={rendermime} />
      ) : null}
      {insights?.answer ? (
        <p className="jp-CodePark-muted jp-CodePark-small">
          {insights.answer.generated_by}
          {insights.answer.cached ? ' (cached)' : ''}
        </p>
      ) : null}
    </div>
  );
}
