import * as React from 'react';

import { messageOf } from '../panel/analysis';
import { CollabModel } from './model';
import { activityLines, activityText, IPersonRow, timeAgo } from './state';
import { Collab } from './types';

/** What the team panel asks of the application. */
export interface ITeamActions {
  openFile: (path: string, line?: number, cellId?: string | null) => void;
  addNote: () => void;
  /** Render Markdown (a note's or a reply's body) into `host`, sanitized. */
  renderMarkdown?: (markdown: string, host: HTMLElement) => Promise<void>;
}

/** Re-render on every emission of the model's `changed`. */
function useModel(model: CollabModel): void {
  const [, tick] = React.useReducer((n: number) => n + 1, 0);
  React.useEffect(() => {
    const onChange = () => tick();
    model.changed.connect(onChange);
    onChange();
    return () => {
      model.changed.disconnect(onChange);
    };
  }, [model]);
}

function PersonRow({
  row,
  me,
  following,
  onOpen,
  onFollow
}: {
  row: IPersonRow;
  me: boolean;
  following: boolean;
  onOpen: () => void;
  onFollow: () => void;
}): JSX.Element {
  const where = row.line ? `${row.path}:${row.line}` : row.path;
  return (
    <li className="jp-CodePark-personRow" data-username={row.username}>
      <button
        className="jp-CodePark-person"
        onClick={onOpen}
        title={`Open ${where}`}
      >
        <span
          className="jp-CodePark-avatar"
          style={{ background: row.color ?? 'var(--jp-brand-color1)' }}
          aria-hidden="true"
        >
          {row.initials}
        </span>
        <span className="jp-CodePark-personName">
          {row.name}
          {me ? <span className="jp-CodePark-muted"> (you)</span> : null}
        </span>
        <span className="jp-CodePark-personWhere">{where}</span>
        <span
          className={
            row.active ? 'jp-CodePark-state jp-mod-active' : 'jp-CodePark-state'
          }
        >
          {row.active ? 'active' : 'idle'}
        </span>
      </button>
      {me ? null : (
        <button
          className="jp-CodePark-linkButton jp-CodePark-follow"
          aria-pressed={following}
          onClick={onFollow}
          title={
            following
              ? 'Stop following'
              : `Keep your view on ${row.name}'s file and line`
          }
        >
          {following ? 'Following' : 'Follow'}
        </button>
      )}
    </li>
  );
}

/** The Team section: who is in which file, on which line, active or idle. */
export function TeamView({
  model,
  onOpen
}: {
  model: CollabModel;
  onOpen: (path: string, line?: number) => void;
}): JSX.Element {
  const rows = model.people;
  if (model.presenceError) {
    return (
      <div className="jp-CodePark-error" role="alert">
        {model.presenceError}
      </div>
    );
  }
  if (!rows.length) {
    return (
      <p className="jp-CodePark-muted">
        Nobody has a file open in a collaborative editor.
      </p>
    );
  }
  return (
    <ul className="jp-CodePark-team" aria-label="Who is where">
      {rows.map(row => (
        <PersonRow
          key={`${row.username} ${row.path}`}
          row={row}
          me={row.username === model.me}
          following={row.username === model.following}
          onOpen={() => onOpen(row.path, row.line ?? undefined)}
          onFollow={() =>
            model.follow(row.username === model.following ? null : row.username)
          }
        />
      ))}
    </ul>
  );
}

function NoteItem({
  note,
  selected,
  onOpen,
  onToggle
}: {
  note: Collab.INote;
  selected: boolean;
  onOpen: () => void;
  onToggle: () => void;
}): JSX.Element {
  const lines =
    note.end_line && note.end_line !== note.line
      ? `${note.line}–${note.end_line}`
      : `${note.line}`;
  return (
    <li
      className={`jp-CodePark-note jp-mod-${note.state}${selected ? ' jp-mod-selected' : ''}`}
      aria-current={selected ? 'true' : undefined}
    >
      <button
        className="jp-CodePark-noteJump"
        onClick={onOpen}
        title="Open the thread"
      >
        <span className="jp-CodePark-noteLines">L{lines}</span>{' '}
        <span className="jp-CodePark-noteAuthor">
          {note.author.display_name || note.author.username}
        </span>
        {note.state !== 'open' ? (
          <span className="jp-CodePark-noteState"> ({note.state})</span>
        ) : null}
        <span className="jp-CodePark-noteBody">{note.body}</span>
        {note.replies.length ? (
          <span className="jp-CodePark-muted">
            {note.replies.length} repl{note.replies.length === 1 ? 'y' : 'ies'}
          </span>
        ) : null}
      </button>
      {note.state !== 'outdated' ? (
        <button
          className="jp-CodePark-linkButton"
          onClick={onToggle}
          title={note.state === 'open' ? 'Resolve' : 'Reopen'}
        >
          {note.state === 'open' ? 'Resolve' : 'Reopen'}
        </button>
      ) : null}
    </li>
  );
}

/** The notes of the active file at their current lines. */
export function NotesView({
  model,
  actions
}: {
  model: CollabModel;
  actions: ITeamActions;
}): JSX.Element {
  if (!model.path) {
    return <p className="jp-CodePark-muted">Open a file to see its notes.</p>;
  }
  const notes = model.activeNotes;
  return (
    <>
      {model.notesError ? (
        <div className="jp-CodePark-error" role="alert">
          {model.notesError}
        </div>
      ) : null}
      {notes.length ? (
        <ul className="jp-CodePark-notes" aria-label="Notes of the file">
          {notes.map(note => (
            <NoteItem
              key={note.id}
              note={note}
              selected={model.thread?.id === note.id}
              onOpen={() => {
                model.openThread(note.id);
                actions.openFile(note.path, note.line, note.cell_id);
              }}
              onToggle={() =>
                void model
                  .setState(
                    note.id,
                    note.state === 'open' ? 'resolved' : 'open'
                  )
                  .catch(() => undefined)
              }
            />
          ))}
        </ul>
      ) : (
        <p className="jp-CodePark-muted">
          No notes on {model.path}. Select lines and use “Add note”.
        </p>
      )}
      <button className="jp-mod-styled" onClick={actions.addNote}>
        Add note…
      </button>
    </>
  );
}

/** The team side panel's body: team, hint and notes of the active file. */
export function TeamPanelBody({
  model,
  actions
}: {
  model: CollabModel;
  actions: ITeamActions;
}): JSX.Element {
  useModel(model);
  return (
    <div className="jp-CodePark-body">
      <section aria-label="Team" className="jp-CodePark-section">
        <h3>Team</h3>
        <TeamView model={model} onOpen={actions.openFile} />
      </section>
      <section aria-label="Notes" className="jp-CodePark-section">
        <h3>Notes{model.path ? ` — ${model.path}` : ''}</h3>
        {model.hint ? (
          <p className="jp-CodePark-hint" aria-label="Hint">
            {model.hint}
          </p>
        ) : null}
        <NotesView model={model} actions={actions} />
        {model.threadError ? (
          <div className="jp-CodePark-error" role="alert">
            {model.threadError}
          </div>
        ) : null}
        {model.thread ? (
          <ThreadView model={model} note={model.thread} actions={actions} />
        ) : null}
      </section>
      <section aria-label="Activity" className="jp-CodePark-section">
        <h3>Activity</h3>
        <ActivityFeed model={model} actions={actions} />
      </section>
    </div>
  );
}

/** A Markdown body, rendered by JupyterLab's (sanitizing) Markdown renderer when available. */
function Markdown({
  text,
  render
}: {
  text: string;
  render?: (markdown: string, host: HTMLElement) => Promise<void>;
}): JSX.Element {
  const ref = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    const host = ref.current;
    if (!host) {
      return;
    }
    if (!render) {
      host.textContent = text;
      return;
    }
    render(text, host).catch(() => {
      host.textContent = text;
    });
  }, [text, render]);
  return <div className="jp-CodePark-markdown" ref={ref} />;
}

function whoOf(u: Collab.IUserRef): string {
  return u.display_name || u.username;
}

/** A note's thread: its Markdown body, replies, a reply box, resolve / reopen, delete own. */
export function ThreadView({
  model,
  note,
  actions
}: {
  model: CollabModel;
  note: Collab.INote;
  actions: ITeamActions;
}): JSX.Element {
  const [draft, setDraft] = React.useState('');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const lines =
    note.end_line && note.end_line !== note.line
      ? `L${note.line}–${note.end_line}`
      : `L${note.line}`;
  const mine = note.author.username === model.me;
  const send = () => {
    const body = draft.trim();
    if (body) {
      void run(async () => {
        await model.reply(note.id, body);
        setDraft('');
      });
    }
  };
  return (
    <div
      className={`jp-CodePark-thread jp-mod-${note.state}`}
      aria-label="Note thread"
      data-note-id={note.id}
    >
      <div className="jp-CodePark-threadBar">
        <button
          className="jp-CodePark-linkButton"
          onClick={() => model.openThread(null)}
          title="Close the thread"
        >
          ✕ Close
        </button>
        <button
          className="jp-CodePark-linkButton"
          onClick={() => actions.openFile(note.path, note.line, note.cell_id)}
          title="Show the lines in the editor"
        >
          {note.path} {lines}
        </button>
        <span className="jp-CodePark-noteState">{note.state}</span>
      </div>
      {note.snippet ? (
        <pre className="jp-CodePark-snippet">{note.snippet}</pre>
      ) : null}
      <ol className="jp-CodePark-posts">
        <li className="jp-CodePark-post">
          <div className="jp-CodePark-postHead">
            <b>{whoOf(note.author)}</b>
            {note.created_at ? (
              <span className="jp-CodePark-muted">
                {' '}
                {timeAgo(note.created_at)}
              </span>
            ) : null}
          </div>
          <Markdown text={note.body} render={actions.renderMarkdown} />
        </li>
        {note.replies.map(r => (
          <li className="jp-CodePark-post jp-CodePark-reply" key={r.id}>
            <div className="jp-CodePark-postHead">
              <b>{whoOf(r.author)}</b>
              <span className="jp-CodePark-muted">
                {' '}
                {timeAgo(r.created_at)}
              </span>
            </div>
            <Markdown text={r.body} render={actions.renderMarkdown} />
          </li>
        ))}
      </ol>
      {note.state === 'resolved' && note.resolved_by ? (
        <p className="jp-CodePark-muted">Resolved by {note.resolved_by}.</p>
      ) : null}
      <textarea
        className="jp-CodePark-replyBox"
        aria-label="Reply"
        placeholder="Reply (Markdown; @username notifies)"
        value={draft}
        disabled={busy}
        onChange={e => setDraft(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          }
        }}
      />
      {error ? (
        <div className="jp-CodePark-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="jp-CodePark-threadActions">
        <button
          className="jp-mod-styled jp-mod-accept"
          disabled={busy || !draft.trim()}
          onClick={send}
        >
          Reply
        </button>
        {note.state !== 'outdated' ? (
          <button
            className="jp-mod-styled"
            disabled={busy}
            onClick={() =>
              void run(() =>
                model.setState(
                  note.id,
                  note.state === 'open' ? 'resolved' : 'open'
                )
              )
            }
          >
            {note.state === 'open' ? 'Resolve' : 'Reopen'}
          </button>
        ) : null}
        {mine ? (
          <button
            className="jp-mod-styled jp-mod-warn"
            disabled={busy}
            onClick={() => {
              if (window.confirm('Delete this note and its replies?')) {
                void run(() => model.deleteNote(note.id));
              }
            }}
          >
            Delete
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Recent activity (live), all files or the active file; a click opens the file at the lines. */
export function ActivityFeed({
  model,
  actions
}: {
  model: CollabModel;
  actions: ITeamActions;
}): JSX.Element {
  const rows = model.feed;
  return (
    <>
      <label className="jp-CodePark-activityFilter">
        <input
          type="checkbox"
          checked={model.activityThisFile}
          disabled={!model.path}
          onChange={e => model.setActivityFilter(e.target.checked)}
        />{' '}
        This file only
      </label>
      {model.activityError ? (
        <div className="jp-CodePark-error" role="alert">
          {model.activityError}
        </div>
      ) : null}
      {rows.length ? (
        <ul className="jp-CodePark-activity" aria-label="Recent activity">
          {rows.slice(0, 50).map(a => (
            <li
              key={a.id}
              className="jp-CodePark-activityRow"
              data-kind={a.kind}
            >
              <button
                className="jp-CodePark-activityJump"
                disabled={!a.path}
                title={
                  a.path
                    ? `Open ${a.path} ${activityLines(a)}`.trim()
                    : undefined
                }
                onClick={() =>
                  a.path &&
                  actions.openFile(
                    a.path,
                    a.line ?? undefined,
                    (a.data?.cell_id as string | undefined) ?? null
                  )
                }
              >
                <span className="jp-CodePark-activityText">
                  {activityText(a)}
                </span>
                <span className="jp-CodePark-muted"> · {timeAgo(a.time)}</span>
              </button>
              {a.kind === 'run.shared' && a.data?.excerpt ? (
                <pre className="jp-CodePark-runExcerpt">
                  {a.data.excerpt}
                  {a.data.truncated ? '\n…' : ''}
                </pre>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-CodePark-muted">No activity yet.</p>
      )}
    </>
  );
}
