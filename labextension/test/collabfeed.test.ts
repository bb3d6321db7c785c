import { describe, expect, it } from 'vitest';

import { CollabModel, ICollabSource } from '../src/collab/model';
import {
  activityLines,
  activityOf,
  activityText,
  cellNotes,
  cellRunResult,
  mergeActivity,
  noteMarks,
  peopleByFile,
  timeAgo
} from '../src/collab/state';
import { Collab } from '../src/collab/types';

function note(
  id: number,
  line: number,
  extra: Partial<Collab.INote> = {}
): Collab.INote {
  return {
    id,
    path: 'a.ipynb',
    author: { username: 'ann', display_name: 'Ann' },
    body: `note ${id}`,
    state: 'open',
    outdated: false,
    line,
    end_line: line,
    snippet: '',
    replies: [],
    ...extra
  };
}

function row(
  id: number,
  time: number,
  extra: Partial<Collab.IActivity> = {}
): Collab.IActivity {
  return {
    id,
    time,
    user: 'ann',
    kind: 'file.edited',
    path: 'a.py',
    ...extra
  };
}

describe('timeAgo', () => {
  it('says how long ago in the largest whole unit', () => {
    expect(timeAgo(100, 102)).toBe('just now');
    expect(timeAgo(100, 130)).toBe('30 s ago');
    expect(timeAgo(0, 125)).toBe('2 min ago');
    expect(timeAgo(0, 7300)).toBe('2 h ago');
    expect(timeAgo(0, 3 * 86400 + 5)).toBe('3 d ago');
    expect(timeAgo(200, 100)).toBe('just now'); // a clock ahead of ours
  });
});

describe('activity rows', () => {
  it('read as sentences with their lines and counts', () => {
    expect(
      activityText(row(1, 0, { line: 3, end_line: 5, data: { count: 4 } }))
    ).toBe('ann edited a.py L3–5 (4 edits)');
    expect(activityText(row(2, 0, { kind: 'note.added', line: 7 }))).toBe(
      'ann added a note on a.py L7'
    );
    expect(
      activityText(
        row(3, 0, {
          kind: 'run.shared',
          user: null,
          data: { status: 'error', excerpt: 'x' }
        })
      )
    ).toBe('Someone shared run output of a.py (error)');
    expect(
      activityText(row(4, 0, { kind: 'analysis.finished', path: null }))
    ).toBe('ann finished an analysis of the server root');
    expect(activityLines(row(5, 0, { line: 2, end_line: 2 }))).toBe('L2');
    expect(activityLines(row(6, 0))).toBe('');
  });

  it('merge newest first, each id once, bounded', () => {
    const merged = mergeActivity(
      [row(1, 10), row(2, 20)],
      [row(2, 20, { user: 'bob' }), row(3, 30), row(4, 5)],
      3
    );
    expect(merged.map(r => r.id)).toEqual([3, 2, 1]);
    expect(merged[1].user).toBe('bob'); // the newer copy of a row wins
  });

  it('filter by a file or a folder', () => {
    const rows = [
      row(1, 3, { path: 'src/a.py' }),
      row(2, 2, { path: 'src/ab.py' }),
      row(3, 1, { path: 'src/a.py/x' }),
      row(4, 0, { path: null })
    ];
    expect(activityOf(rows, 'src/a.py').map(r => r.id)).toEqual([1, 3]);
    expect(activityOf(rows, null).map(r => r.id)).toEqual([1, 2, 3, 4]);
  });
});

describe('notebook cells', () => {
  it('each cell has its own notes and markers', () => {
    const notes = [
      note(1, 2, { cell_id: 'c1' }),
      note(2, 1, { cell_id: 'c2' }),
      note(3, 4, { cell_id: 'c1', state: 'resolved' })
    ];
    expect(cellNotes(notes, 'c1').map(n => n.id)).toEqual([1, 3]);
    expect(noteMarks(cellNotes(notes, 'c1'))).toEqual([
      {
        line: 2,
        first: true,
        title: 'Ann: note 1',
        id: 1,
        author: 'Ann',
        body: 'note 1',
        replies: 0
      }
    ]);
    expect(cellNotes(notes, 'c3')).toEqual([]);
  });

  it("a cell's outputs are a run result, an error output makes it an error", () => {
    const ok = cellRunResult([
      { output_type: 'stream', name: 'stdout', text: 'hi\n' }
    ]);
    expect(ok.status).toBe('ok');
    expect(ok.error).toBeNull();
    const failed = cellRunResult([
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      { output_type: 'error', ename: 'KeyError', evalue: "'x'", traceback: [] }
    ]);
    expect(failed.status).toBe('error');
    expect(failed.error).toEqual({ ename: 'KeyError', evalue: "'x'" });
    expect(failed.outputs).toHaveLength(2);
    expect(failed.outputs?.[1]).toEqual({
      output_type: 'error',
      ename: 'KeyError',
      evalue: "'x'"
    }); // no traceback: it quotes the code
    const rich = cellRunResult([
      {
        output_type: 'display_data',
        data: { 'image/png': 'iVBORw0KGgo...', 'text/plain': '<Figure>' },
        metadata: {}
      }
    ]);
    expect(rich.outputs).toEqual([
      {
        output_type: 'display_data',
        data: { 'image/png': '', 'text/plain': '<Figure>' }
      }
    ]); // the image's bytes stay in the notebook, its type is named
  });

  it('a marker names the replies and the note a click opens', () => {
    const marks = noteMarks([
      note(1, 2, {
        end_line: 4,
        replies: [
          { id: 1, author: { username: 'b' }, body: 'ok', created_at: 0 }
        ]
      }),
      note(2, 3)
    ]);
    expect(marks.map(m => [m.line, m.first, m.id])).toEqual([
      [2, true, 1],
      [3, true, 2],
      [4, false, 1]
    ]);
    expect(marks[0].title).toBe('Ann: note 1 (1 reply)');
    expect([marks[0].author, marks[0].replies, marks[1].body]).toEqual([
      'Ann',
      1,
      'note 2'
    ]);
  });
});

describe('peopleByFile', () => {
  const rooms: Collab.IRoom[] = [
    {
      path: 'repo/src/a.py',
      room_id: 'r1',
      kind: 'file',
      users: [
        {
          username: 'bob',
          display_name: 'Bob',
          color: '#00f',
          lines: [],
          cursors: [],
          active: true
        },
        {
          username: 'ann',
          display_name: 'Ann',
          color: '#f00',
          lines: [],
          cursors: [],
          active: true
        }
      ]
    },
    { path: 'repo/empty.py', room_id: 'r2', kind: 'file', users: [] },
    {
      path: 'other/b.py',
      room_id: 'r3',
      kind: 'file',
      users: [
        {
          username: 'cy',
          lines: [],
          cursors: [],
          active: false
        }
      ]
    }
  ];

  it('maps the rooms of a repository to its paths, with names and colours', () => {
    const people = peopleByFile(rooms, 'repo/', 'ann');
    expect([...people.keys()]).toEqual(['src/a.py']);
    expect(people.get('src/a.py')).toEqual([
      { name: 'Ann (you)', color: '#f00' },
      { name: 'Bob', color: '#00f' }
    ]);
  });

  it('takes every room for a repository at the server root', () => {
    const people = peopleByFile(rooms, '');
    expect([...people.keys()].sort()).toEqual(['other/b.py', 'repo/src/a.py']);
    expect(people.get('other/b.py')).toEqual([{ name: 'cy', color: null }]);
  });
});

function source(over: Partial<ICollabSource> = {}): ICollabSource {
  const notes = [note(1, 2, { path: 'a.py' })];
  return {
    presence: async () => ({ time: 0, rooms: [] }),
    notes: async () => notes,
    hints: async () => {
      throw new Error('no analysis');
    },
    addNote: async body => note(9, body.line, { path: body.path }),
    setState: async (id, state) => note(id, 2, { path: 'a.py', state }),
    reply: async (id, body) =>
      note(id, 2, {
        path: 'a.py',
        replies: [{ id: 5, author: { username: 'bob' }, body, created_at: 1 }]
      }),
    deleteNote: async () => undefined,
    note: async id => note(id, 2),
    activity: async path =>
      path ? [row(7, 7, { path })] : [row(8, 8, { path: 'b.py' })],
    shareRun: async body =>
      row(11, 11, { kind: 'run.shared', path: body.path }),
    ...over
  };
}

describe('CollabModel threads and activity', () => {
  it('opens a thread, follows its replies, state and deletion', async () => {
    const model = new CollabModel(source());
    await model.setPath('a.py');
    model.openThread(1);
    expect(model.thread?.id).toBe(1);
    await model.reply(1, 'yes');
    expect(model.thread?.replies.map(r => r.body)).toEqual(['yes']);
    expect(model.activeNotes[0].replies).toHaveLength(1);
    await model.setState(1, 'resolved');
    expect(model.thread?.state).toBe('resolved');
    // the note moves with another user's edits: the open thread says where it is now
    model.onEvent({
      type: 'notes',
      path: 'a.py',
      moved: [{ id: 1, line: 5, end_line: 6, outdated: false }]
    });
    expect([model.thread?.line, model.thread?.end_line]).toEqual([5, 6]);
    await model.deleteNote(1);
    expect(model.thread).toBeNull();
    expect(model.activeNotes).toEqual([]);
    model.openThread(42); // unknown: nothing opens
    expect(model.thread).toBeNull();
  });

  it('loads activity, adds live rows and filters by the active file', async () => {
    const model = new CollabModel(source());
    await model.loadActivity();
    await model.setPath('a.py'); // the active file's own history comes too
    expect(model.feed.map(r => r.id)).toEqual([8, 7]);
    model.onEvent({ type: 'activity', activity: row(9, 9, { path: 'a.py' }) });
    model.onEvent({ type: 'activity', activity: row(9, 9, { path: 'a.py' }) });
    expect(model.feed.map(r => r.id)).toEqual([9, 8, 7]);
    model.setActivityFilter(true);
    expect(model.feed.map(r => r.id)).toEqual([9, 7]);
    const shared = await model.shareRun({
      path: 'a.py',
      result: { status: 'ok', stdout: 'x' }
    });
    expect(shared.kind).toBe('run.shared');
    expect(model.feed[0].id).toBe(11);
  });

  it('says why the feed could not load', async () => {
    const model = new CollabModel(
      source({
        activity: async () => {
          throw new Error('server down');
        }
      })
    );
    await model.loadActivity();
    expect(model.activityError).toContain('server down');
    expect(model.feed).toEqual([]);
  });
});
