/**
 * Pure state logic of the team layer (no DOM, no network): presence merging, who-is-where
 * rows, notes of a file kept current from events, note line markers, the hint line, the
 * selection's line range and notification texts. Unit-tested in labextension/test/collab.test.ts.
 */
import { Collab } from './types';

/** One row of the Team section: a person in one file. */
export interface IPersonRow {
  username: string;
  name: string;
  initials: string;
  color: string | null;
  path: string;
  /** 1-based line of their (first) cursor, if known */
  line: number | null;
  active: boolean;
}

/** Apply a presence event: rooms replace those of the same path; closed paths go. */
export function mergePresence(
  rooms: readonly Collab.IRoom[],
  event: { rooms?: Collab.IRoom[]; closed?: string[] }
): Collab.IRoom[] {
  const byPath = new Map(rooms.map(r => [r.path, r]));
  for (const room of event.rooms ?? []) {
    byPath.set(room.path, room);
  }
  for (const path of event.closed ?? []) {
    byPath.delete(path);
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function initialsOf(name: string): string {
  const parts = name.split(/[\s._-]+/).filter(Boolean);
  const letters =
    parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : name[0];
  return (letters ?? '?').toUpperCase();
}

/** Who is where: one row per person per file, active first, then by name and path. */
export function peopleRows(rooms: readonly Collab.IRoom[]): IPersonRow[] {
  const rows: IPersonRow[] = [];
  for (const room of rooms) {
    for (const u of room.users) {
      const name = u.display_name || u.name || u.username;
      const lines = u.lines?.length
        ? u.lines
        : (u.cursors ?? []).map(c => c.line);
      rows.push({
        username: u.username,
        name,
        initials: u.initials || initialsOf(name),
        color: u.color ?? null,
        path: room.path,
        line: lines.length ? Math.min(...lines) : null,
        active: Boolean(u.active)
      });
    }
  }
  return rows.sort(
    (a, b) =>
      Number(b.active) - Number(a.active) ||
      a.name.localeCompare(b.name) ||
      a.path.localeCompare(b.path)
  );
}

function byLine(a: Collab.INote, b: Collab.INote): number {
  return a.line - b.line || a.id - b.id;
}

/** Apply a `note` event to the notes of `path` (events of other files change nothing). */
export function applyNoteEvent(
  notes: readonly Collab.INote[],
  path: string,
  event: { action: string; note: { id: number; path: string } }
): Collab.INote[] {
  const note = event.note;
  if (!note || note.path !== path) {
    return [...notes];
  }
  const rest = notes.filter(n => n.id !== note.id);
  if (event.action === 'deleted' || !('line' in note)) {
    return rest;
  }
  return [...rest, note as Collab.INote].sort(byLine);
}

/** Apply a `notes` event (notes of a file moved with edits, or became outdated). */
export function applyMoved(
  notes: readonly Collab.INote[],
  path: string,
  event: {
    path: string;
    moved: { id: number; line: number; end_line: number; outdated: boolean }[];
  }
): Collab.INote[] {
  if (event.path !== path) {
    return [...notes];
  }
  const moved = new Map(event.moved.map(m => [m.id, m]));
  return notes
    .map(n => {
      const m = moved.get(n.id);
      if (!m) {
        return n;
      }
      const state: Collab.NoteState = m.outdated
        ? 'outdated'
        : n.state === 'outdated'
          ? 'open'
          : n.state;
      return {
        ...n,
        line: m.line,
        end_line: m.end_line,
        outdated: m.outdated,
        state
      };
    })
    .sort(byLine);
}

/** A line to mark in the editor: 1-based; `first` on the note's first line. */
export interface INoteMark {
  line: number;
  first: boolean;
  title: string;
  /** the note whose thread a click on the marker opens (the first note starting here) */
  id: number;
  /** what hovering the marker shows: that note's author, body and number of replies */
  author: string;
  body: string;
  replies: number;
}

/** Lines of the open notes of a file, each line once (the first note's title wins). */
export function noteMarks(notes: readonly Collab.INote[]): INoteMark[] {
  const marks = new Map<number, INoteMark>();
  for (const n of [...notes].sort(byLine)) {
    if (n.state !== 'open') {
      continue;
    }
    const end = Math.max(n.line, n.end_line || n.line);
    const who = n.author.display_name || n.author.username;
    const replies = n.replies.length
      ? ` (${n.replies.length} repl${n.replies.length === 1 ? 'y' : 'ies'})`
      : '';
    const title = `${who}: ${n.body}${replies}`;
    const card = {
      title,
      id: n.id,
      author: who,
      body: n.body,
      replies: n.replies.length
    };
    for (let line = n.line; line <= end; line++) {
      const old = marks.get(line);
      if (!old) {
        marks.set(line, { line, first: line === n.line, ...card });
      } else if (line === n.line && !old.first) {
        Object.assign(old, { first: true, ...card });
      }
    }
  }
  return [...marks.values()].sort((a, b) => a.line - b.line);
}

/** The quiet hint line of a file: the strongest co-change, else who knows it best. */
export function hintLine(hints: Collab.IHints | null): string | null {
  if (!hints) {
    return null;
  }
  const coupled = [...hints.coupled].sort(
    (a, b) => b.degree - a.degree || b.shared - a.shared
  );
  if (coupled.length) {
    const more = coupled.length - 1;
    return more > 0
      ? `${coupled[0].message} (+${more} more)`
      : coupled[0].message;
  }
  const author = hints.file?.main_author;
  if (author) {
    const share =
      typeof hints.file?.ownership === 'number'
        ? ` (${Math.round(hints.file.ownership * 100)} %)`
        : '';
    const online = hints.file?.main_author_online ? ', online now' : '';
    return `${author} knows this file best${share}${online}.`;
  }
  return null;
}

/**
 * The 1-based line range of a selection given 0-based start/end positions. A selection that
 * ends at column 0 of a later line does not include that line.
 */
export function selectionLines(
  start: { line: number; column: number },
  end: { line: number; column: number }
): { line: number; end_line: number } {
  let [a, b] = [start, end];
  if (b.line < a.line || (b.line === a.line && b.column < a.column)) {
    [a, b] = [b, a];
  }
  let last = b.line;
  if (b.line > a.line && b.column === 0) {
    last -= 1;
  }
  return { line: a.line + 1, end_line: last + 1 };
}

/** The text of a JupyterLab notification for a CodePark notification. */
export function notificationText(n: Collab.INotification): string {
  const who = n.actor ?? 'Someone';
  const where = n.path ? ` in ${n.path}${n.line ? `:${n.line}` : ''}` : '';
  const verb =
    n.kind === 'mention'
      ? 'mentioned you'
      : n.kind === 'reply'
        ? 'replied to your note'
        : n.kind === 'resolved'
          ? 'resolved your note'
          : 'reopened your note';
  const excerpt = n.excerpt ? `: ${n.excerpt}` : '';
  return `${who} ${verb}${where}${excerpt}`;
}

/**
 * Where following `username` should take the view: their active file (an active room first,
 * then the lowest path) and line; null when they are not in any file.
 */
export function followTarget(
  rows: readonly IPersonRow[],
  username: string
): { path: string; line: number | null } | null {
  const mine = rows
    .filter(r => r.username === username)
    .sort(
      (a, b) =>
        Number(b.active) - Number(a.active) || a.path.localeCompare(b.path)
    );
  return mine.length ? { path: mine[0].path, line: mine[0].line } : null;
}

// -- threads, activity, notebooks, the city ------------------------------------------------------

/** "3 s ago", "5 min ago", "2 h ago", "4 d ago" (from seconds since the epoch). */
export function timeAgo(time: number, now: number = Date.now() / 1000): string {
  const s = Math.max(0, Math.round(now - time));
  if (s < 60) {
    return s < 5 ? 'just now' : `${s} s ago`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ago`;
  }
  if (s < 86400) {
    return `${Math.floor(s / 3600)} h ago`;
  }
  return `${Math.floor(s / 86400)} d ago`;
}

const VERBS: Record<string, string> = {
  'file.opened': 'opened',
  'file.edited': 'edited',
  'file.saved': 'saved',
  'note.added': 'added a note on',
  'note.replied': 'replied to a note on',
  'note.resolved': 'resolved a note on',
  'note.reopened': 'reopened a note on',
  'note.deleted': 'deleted a note on',
  'analysis.finished': 'finished an analysis of',
  'run.shared': 'shared run output of'
};

/** The lines of an activity row as `L3` / `L3–5`, or '' without lines. */
export function activityLines(a: Collab.IActivity): string {
  if (!a.line) {
    return '';
  }
  return a.end_line && a.end_line !== a.line
    ? `L${a.line}–${a.end_line}`
    : `L${a.line}`;
}

/** One sentence for an activity row: "alice edited a.py L3–5 (4 edits)". */
export function activityText(a: Collab.IActivity): string {
  const who = a.user ?? 'Someone';
  const verb = VERBS[a.kind] ?? a.kind;
  const where = [a.path || 'the server root', activityLines(a)]
    .filter(Boolean)
    .join(' ');
  const count = a.data?.count;
  const times =
    a.kind === 'file.edited' && typeof count === 'number' && count > 1
      ? ` (${count} edits)`
      : '';
  const status =
    a.kind === 'run.shared' && a.data?.status && a.data.status !== 'ok'
      ? ` (${a.data.status})`
      : '';
  return `${who} ${verb} ${where}${times}${status}`;
}

/** Add rows (newest first, each id once), keeping at most `max`. */
export function mergeActivity(
  rows: readonly Collab.IActivity[],
  add: readonly Collab.IActivity[],
  max = 200
): Collab.IActivity[] {
  const byId = new Map(rows.map(r => [r.id, r]));
  for (const a of add) {
    byId.set(a.id, a);
  }
  return [...byId.values()]
    .sort((a, b) => b.time - a.time || b.id - a.id)
    .slice(0, max);
}

/** The rows about `path` (a file, or a folder and what is under it); all rows when null. */
export function activityOf(
  rows: readonly Collab.IActivity[],
  path: string | null
): Collab.IActivity[] {
  if (!path) {
    return [...rows];
  }
  return rows.filter(
    r => r.path === path || (r.path ?? '').startsWith(path + '/')
  );
}

/** The notes of one notebook cell (notes without a cell belong to text files). */
export function cellNotes(
  notes: readonly Collab.INote[],
  cellId: string
): Collab.INote[] {
  return notes.filter(n => n.cell_id === cellId);
}

/**
 * An output with only what can be shared as text: rich outputs keep `text/plain` and the names
 * of their other MIME types (an image's bytes stay in the notebook); tracebacks are dropped.
 */
function textOnly(o: Record<string, unknown>): Record<string, unknown> {
  const { output_type, name, text, ename, evalue } = o;
  const data = o.data as Record<string, unknown> | undefined;
  if (data && typeof data === 'object') {
    const kept: Record<string, unknown> = {};
    for (const mime of Object.keys(data)) {
      kept[mime] = mime === 'text/plain' ? data[mime] : '';
    }
    return { output_type, data: kept };
  }
  return output_type === 'error'
    ? { output_type, ename, evalue }
    : { output_type, name, text };
}

/** The status of a notebook cell's outputs as a run: `error` when one is an error. */
export function cellRunResult(
  outputs: readonly Record<string, unknown>[]
): Collab.IRunResult {
  const error = outputs.find(o => o.output_type === 'error');
  return {
    status: error ? 'error' : 'ok',
    outputs: outputs.map(textOnly),
    error: error
      ? { ename: String(error.ename ?? ''), evalue: String(error.evalue ?? '') }
      : null
  };
}

/**
 * Who is in which file of a repository, for the city: paths inside the repository (the rooms'
 * server-root paths under `repoPath`) to the people there (name and colour), by name.
 */
export function peopleByFile(
  rooms: readonly Collab.IRoom[],
  repoPath: string,
  me: string | null = null
): Map<string, { name: string; color: string | null }[]> {
  const prefix = repoPath ? repoPath.replace(/\/+$/, '') + '/' : '';
  const out = new Map<string, { name: string; color: string | null }[]>();
  for (const room of rooms) {
    if (!room.users.length || (prefix && !room.path.startsWith(prefix))) {
      continue;
    }
    const seen = new Set<string>();
    const people: { name: string; color: string | null }[] = [];
    for (const u of room.users) {
      if (seen.has(u.username)) {
        continue;
      }
      seen.add(u.username);
      const name = u.display_name || u.name || u.username;
      people.push({
        name: u.username === me ? `${name} (you)` : name,
        color: u.color ?? null
      });
    }
    people.sort((a, b) => a.name.localeCompare(b.name));
    out.set(room.path.slice(prefix.length), people);
  }
  return out;
}
