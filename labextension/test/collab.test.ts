import { describe, expect, it } from 'vitest';

import { CollabModel, ICollabSource } from '../src/collab/model';
import {
  applyMoved,
  applyNoteEvent,
  followTarget,
  hintLine,
  mergePresence,
  noteMarks,
  notificationText,
  peopleRows,
  selectionLines
} from '../src/collab/state';
import { Collab } from '../src/collab/types';
import { CodeParkRequestError } from '../src/request';

function user(
  username: string,
  lines: number[],
  active = true
): Collab.IPresenceUser {
  return {
    username,
    display_name: username[0].toUpperCase() + username.slice(1) + ' Smith',
    color: '#123456',
    lines,
    cursors: lines.map(line => ({ line })),
    active
  };
}

function room(path: string, users: Collab.IPresenceUser[]): Collab.IRoom {
  return { path, room_id: `text:file:${path}`, kind: 'file', users };
}

function note(
  id: number,
  line: number,
  end_line = line,
  extra: Partial<Collab.INote> = {}
): Collab.INote {
  return {
    id,
    path: 'a.py',
    author: { username: 'ann', display_name: 'Ann' },
    body: `note ${id}`,
    state: 'open',
    outdated: false,
    line,
    end_line,
    snippet: '',
    replies: [],
    ...extra
  };
}

describe('mergePresence', () => {
  it('replaces rooms by path and removes closed ones', () => {
    const rooms = [room('a.py', [user('ann', [1])]), room('b.py', [])];
    const next = mergePresence(rooms, {
      rooms: [room('a.py', [user('ann', [7])]), room('c.py', [])],
      closed: ['b.py']
    });
    expect(next.map(r => r.path)).toEqual(['a.py', 'c.py']);
    expect(next[0].users[0].lines).toEqual([7]);
    expect(rooms[0].users[0].lines).toEqual([1]); // not mutated
  });
});

describe('peopleRows', () => {
  it('lists every person in every file, active first, with their first line', () => {
    const rows = peopleRows([
      room('b.py', [user('zed', [9, 3], true)]),
      room('a.py', [user('bob', [], false), user('ann', [2], true)])
    ]);
    expect(rows.map(r => [r.username, r.path, r.line, r.active])).toEqual([
      ['ann', 'a.py', 2, true],
      ['zed', 'b.py', 3, true],
      ['bob', 'a.py', null, false]
    ]);
    expect(rows[0].initials).toBe('AS');
    expect(rows[0].name).toBe('Ann Smith');
  });
});

describe('notes from events', () => {
  it('adds, updates and deletes notes of the file, sorted by line', () => {
    let notes = [note(1, 10)];
    notes = applyNoteEvent(notes, 'a.py', {
      action: 'added',
      note: note(2, 3)
    });
    expect(notes.map(n => n.id)).toEqual([2, 1]);
    notes = applyNoteEvent(notes, 'a.py', {
      action: 'updated',
      note: note(1, 10, 10, { state: 'resolved' })
    });
    expect(notes.find(n => n.id === 1)?.state).toBe('resolved');
    notes = applyNoteEvent(notes, 'a.py', {
      action: 'deleted',
      note: { id: 2, path: 'a.py' }
    });
    expect(notes.map(n => n.id)).toEqual([1]);
  });

  it('ignores notes of other files', () => {
    const notes = applyNoteEvent([note(1, 1)], 'a.py', {
      action: 'added',
      note: { ...note(5, 1), path: 'b.py' }
    });
    expect(notes.map(n => n.id)).toEqual([1]);
  });

  it('moves notes and marks them outdated', () => {
    const notes = applyMoved([note(1, 2), note(2, 5, 6)], 'a.py', {
      path: 'a.py',
      moved: [
        { id: 2, line: 1, end_line: 1, outdated: false },
        { id: 1, line: 2, end_line: 2, outdated: true }
      ]
    });
    expect(notes.map(n => [n.id, n.line, n.end_line, n.state])).toEqual([
      [2, 1, 1, 'open'],
      [1, 2, 2, 'outdated']
    ]);
    expect(applyMoved(notes, 'a.py', { path: 'b.py', moved: [] }).length).toBe(
      2
    );
  });
});

describe('noteMarks', () => {
  it('marks each line of open notes once, the first line of each note', () => {
    const marks = noteMarks([
      note(1, 2, 4),
      note(2, 3),
      note(3, 8, 8, { state: 'resolved' }),
      note(4, 9, 9, { state: 'outdated', outdated: true })
    ]);
    expect(marks.map(m => [m.line, m.first])).toEqual([
      [2, true],
      [3, true],
      [4, false]
    ]);
    expect(marks[0].title).toBe('Ann: note 1');
  });
});

describe('hintLine', () => {
  const base: Collab.IHints = {
    path: 'app/core.py',
    repository: { id: 1, name: 'r', path: 'r' },
    file: null,
    coupled: [],
    touched: [],
    thresholds: {}
  };

  it('is null without hints', () => {
    expect(hintLine(null)).toBeNull();
    expect(hintLine(base)).toBeNull();
  });

  it('names the strongest co-change first', () => {
    const line = hintLine({
      ...base,
      coupled: [
        { path: 'x', degree: 50, shared: 3, message: 'x changed with…' },
        {
          path: 'tests/x.py',
          degree: 100,
          shared: 6,
          message: 'tests/x.py changed with this file in 6 of 6 commits'
        }
      ]
    });
    expect(line).toBe(
      'tests/x.py changed with this file in 6 of 6 commits (+1 more)'
    );
  });

  it('falls back to who knows the file best', () => {
    expect(
      hintLine({
        ...base,
        file: { main_author: 'Ann', ownership: 0.8, main_author_online: true }
      })
    ).toBe('Ann knows this file best (80 %), online now.');
  });
});

describe('selectionLines', () => {
  it('converts 0-based positions to a 1-based line range', () => {
    expect(
      selectionLines({ line: 2, column: 4 }, { line: 2, column: 4 })
    ).toEqual({ line: 3, end_line: 3 });
    expect(
      selectionLines({ line: 5, column: 0 }, { line: 2, column: 3 })
    ).toEqual({ line: 3, end_line: 5 });
    expect(
      selectionLines({ line: 2, column: 0 }, { line: 4, column: 1 })
    ).toEqual({ line: 3, end_line: 5 });
  });
});

describe('notificationText', () => {
  it('says who mentioned you where', () => {
    expect(
      notificationText({
        id: 1,
        kind: 'mention',
        actor: 'bob',
        read: false,
        created_at: 0,
        path: 'app/core.py',
        line: 4,
        excerpt: '@ann look'
      })
    ).toBe('bob mentioned you in app/core.py:4: @ann look');
    expect(
      notificationText({
        id: 2,
        kind: 'resolved',
        actor: null,
        read: false,
        created_at: 0
      })
    ).toBe('Someone resolved your note');
  });
});

function fakeSource(over: Partial<ICollabSource> = {}): ICollabSource {
  return {
    presence: async () => ({
      time: 0,
      rooms: [room('a.py', [user('ann', [3])])]
    }),
    notes: async path => (path === 'a.py' ? [note(1, 4)] : []),
    hints: async () => {
      throw new CodeParkRequestError('no analysis', 404, 'not-found');
    },
    addNote: async body => ({
      ...note(9, body.line, body.end_line ?? body.line),
      body: body.body
    }),
    setState: async (id, state) => note(id, 4, 4, { state }),
    reply: async (id, body) =>
      note(id, 4, 4, {
        replies: [{ id: 1, author: { username: 'bob' }, body, created_at: 0 }]
      }),
    deleteNote: async () => undefined,
    note: async id => note(id, 2),
    activity: async () => [],
    shareRun: async body => ({
      id: 1,
      time: 0,
      user: 'ann',
      kind: 'run.shared',
      path: body.path,
      data: { status: body.result.status }
    }),
    ...over
  };
}

describe('CollabModel', () => {
  it('loads presence, notes of the active file and a quiet hint', async () => {
    const model = new CollabModel(fakeSource());
    await model.refreshPresence();
    expect(model.people.map(p => p.username)).toEqual(['ann']);
    await model.setPath('a.py');
    expect(model.activeNotes.map(n => n.id)).toEqual([1]);
    expect(model.hint).toBeNull(); // no analysis: no hint, no error
    model.onEvent({
      type: 'presence',
      rooms: [room('b.py', [user('bob', [1])])],
      closed: ['a.py']
    });
    expect(model.people.map(p => p.path)).toEqual(['b.py']);
  });

  it('keeps notes of tracked files current and tells which file changed', async () => {
    const model = new CollabModel(fakeSource());
    const changed: string[] = [];
    model.notesChanged.connect((_, path) => changed.push(path));
    await model.track('a.py');
    await model.addNote('a.py', 2, 3, 'look @bob');
    expect(model.notesOf('a.py').map(n => [n.id, n.line])).toEqual([
      [9, 2],
      [1, 4]
    ]);
    model.onEvent({
      type: 'notes',
      path: 'a.py',
      moved: [{ id: 1, line: 6, end_line: 6, outdated: false }]
    });
    expect(model.notesOf('a.py').find(n => n.id === 1)?.line).toBe(6);
    // a note on an untracked file is not kept
    model.onEvent({
      type: 'note',
      action: 'added',
      note: { ...note(3, 1), path: 'c.py' }
    });
    expect(model.notesOf('c.py')).toEqual([]);
    expect(changed).toEqual(['a.py', 'a.py', 'a.py']);
    model.untrack('a.py');
    expect(model.notesOf('a.py')).toEqual([]);
  });

  it('shows a hint line and emits notifications', async () => {
    const model = new CollabModel(
      fakeSource({
        hints: async path => ({
          path,
          repository: null,
          file: null,
          coupled: [
            {
              path: 'tests/x.py',
              degree: 100,
              shared: 6,
              message: 'tests/x.py changed with this file in 6 of 6 commits'
            }
          ],
          touched: [],
          thresholds: {}
        })
      })
    );
    await model.setPath('a.py');
    expect(model.hint).toBe(
      'tests/x.py changed with this file in 6 of 6 commits'
    );
    const seen: number[] = [];
    model.notified.connect((_, n) => seen.push(n.id));
    model.onEvent({
      type: 'notification',
      notification: {
        id: 7,
        kind: 'mention',
        actor: 'bob',
        read: false,
        created_at: 0
      }
    });
    expect(seen).toEqual([7]);
  });

  it('reports a failed presence request', async () => {
    const model = new CollabModel(
      fakeSource({
        presence: async () => {
          throw new CodeParkRequestError('Forbidden', 403, 'forbidden');
        }
      })
    );
    await model.refreshPresence();
    expect(model.presenceError).toContain('Forbidden');
  });
});

describe('following a teammate', () => {
  it('targets their active file first, then the lowest path', () => {
    const rows = peopleRows([
      room('a.py', [user('bob', [2], false)]),
      room('b.py', [user('bob', [5], true)])
    ]);
    expect(followTarget(rows, 'bob')).toEqual({ path: 'b.py', line: 5 });
    expect(followTarget(rows, 'ann')).toBeNull();
  });

  it('moves the view when the followed person moves, and only then', async () => {
    const model = new CollabModel(fakeSource());
    await model.refreshPresence();
    const moves: [string, number | null][] = [];
    model.followMoved.connect((_, t) => moves.push([t.path, t.line]));
    model.follow('ann');
    expect(moves).toEqual([['a.py', 3]]);
    model.onEvent({
      type: 'presence',
      rooms: [room('a.py', [user('ann', [3]), user('bob', [9])])]
    });
    expect(moves).toEqual([['a.py', 3]]); // someone else moved
    model.onEvent({
      type: 'presence',
      rooms: [room('a.py', [user('ann', [12])])]
    });
    expect(moves).toEqual([
      ['a.py', 3],
      ['a.py', 12]
    ]);
    model.follow(null);
    model.onEvent({
      type: 'presence',
      rooms: [room('a.py', [user('ann', [1])])]
    });
    expect(moves.length).toBe(2);
  });
});
