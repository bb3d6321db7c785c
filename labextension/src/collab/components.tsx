import * as React from 'react';

import { CollabModel } from './model';
import { IPersonRow } from './state';
import { Collab } from './types';

/** What the team panel asks of the application. */
export interface ITeamActions {
  openFile: (path: string, line?: number) => void;
  addNote: () => void;
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
  onOpen,
  onToggle
}: {
  note: Collab.INote;
  onOpen: () => void;
  onToggle: () => void;
}): JSX.Element {
  const lines =
    note.end_line && note.end_line !== note.line
      ? `${note.line}–${note.end_line}`
      : `${note.line}`;
  return (
    <li className={`jp-CodePark-note jp-mod-${note.state}`}>
      <button className="jp-CodePark-noteJump" onClick={onOpen}>
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
              onOpen={() => actions.openFile(note.path, note.line)}
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
      </section>
    </div>
  );
}
