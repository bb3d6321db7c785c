import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { messageOf } from '../panel/analysis';
import * as api from './api';
import {
  activityOf,
  applyMoved,
  applyNoteEvent,
  followTarget,
  hintLine,
  IPersonRow,
  mergeActivity,
  mergePresence,
  peopleRows
} from './state';

/** How many activity rows the feed keeps. */
export const ACTIVITY_ROWS = 100;
import { Collab } from './types';

/** Something that loads the collaboration data (the REST API by default; fakes in tests). */
export interface ICollabSource {
  presence(): Promise<Collab.IPresence>;
  notes(path: string): Promise<Collab.INote[]>;
  hints(path: string): Promise<Collab.IHints>;
  addNote(body: {
    path: string;
    line: number;
    end_line?: number;
    cell_id?: string;
    body: string;
  }): Promise<Collab.INote>;
  setState(id: number, state: 'open' | 'resolved'): Promise<Collab.INote>;
  reply(id: number, body: string): Promise<Collab.INote>;
  note(id: number): Promise<Collab.INote>;
  deleteNote(id: number): Promise<void>;
  activity(path: string | null, limit: number): Promise<Collab.IActivity[]>;
  shareRun(body: {
    path: string;
    line?: number;
    end_line?: number;
    cell_id?: string;
    result: Collab.IRunResult;
  }): Promise<Collab.IActivity>;
}

export function restSource(
  settings: ServerConnection.ISettings
): ICollabSource {
  return {
    presence: () => api.getPresence(settings),
    notes: async path => (await api.getNotes(path, settings)).items,
    hints: path => api.getHints(path, settings),
    addNote: body => api.addNote(body, settings),
    setState: (id, state) => api.setNoteState(id, state, settings),
    reply: (id, body) => api.replyToNote(id, body, settings),
    note: id => api.getNote(id, settings),
    deleteNote: id => api.deleteNote(id, settings),
    activity: async (path, limit) =>
      (await api.getActivity(path, limit, settings)).items,
    shareRun: body => api.shareRun(body, settings)
  };
}

/**
 * The team layer's state: who is where (presence), the notes of the files open in editors
 * (kept current from events), the active file, its hint line, and pushed notifications.
 */
export class CollabModel {
  constructor(private readonly source: ICollabSource) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted with the path whose notes changed. */
  get notesChanged(): ISignal<this, string> {
    return this._notesChanged;
  }

  /** Emitted with each notification pushed for the current user. */
  get notified(): ISignal<this, Collab.INotification> {
    return this._notified;
  }

  /** Emitted with where a followed teammate went (another file, or another line). */
  get followMoved(): ISignal<this, { path: string; line: number | null }> {
    return this._followMoved;
  }

  rooms: Collab.IRoom[] = [];
  /** the current user's username (marked "you" in the Team section) */
  me: string | null = null;
  /** the teammate whose file and line the view follows */
  following: string | null = null;
  presenceError: string | null = null;
  /** the active document (server-root path; '' = none) */
  path = '';
  hint: string | null = null;
  notesError: string | null = null;

  get people(): IPersonRow[] {
    return peopleRows(this.rooms);
  }

  /** Notes of a tracked file (the active file, or a file open in an editor). */
  notesOf(path: string): Collab.INote[] {
    return this.notes.get(path) ?? [];
  }

  get activeNotes(): Collab.INote[] {
    return this.notesOf(this.path);
  }

  /** Follow a teammate (null stops): the view goes where they are now and as they move. */
  follow(username: string | null): void {
    this.following = username;
    this.lastTarget = null;
    this.emit();
    this.moveFollower();
  }

  private moveFollower(): void {
    if (!this.following) {
      return;
    }
    const target = followTarget(this.people, this.following);
    if (!target) {
      return;
    }
    const last = this.lastTarget;
    if (!last || last.path !== target.path || last.line !== target.line) {
      this.lastTarget = target;
      this._followMoved.emit(target);
    }
  }

  async refreshPresence(): Promise<void> {
    try {
      const reply = await this.source.presence();
      this.rooms = mergePresence([], { rooms: reply.rooms });
      this.presenceError = null;
      this.moveFollower();
    } catch (error) {
      this.presenceError = messageOf(error);
    }
    this.emit();
  }

  /** Follow the notes of a file (an editor opened it); loads them now. */
  async track(path: string): Promise<void> {
    this.tracked.set(path, (this.tracked.get(path) ?? 0) + 1);
    if (this.tracked.get(path) === 1 || !this.notes.has(path)) {
      await this.loadNotes(path);
    }
  }

  untrack(path: string): void {
    const n = (this.tracked.get(path) ?? 0) - 1;
    if (n > 0) {
      this.tracked.set(path, n);
      return;
    }
    this.tracked.delete(path);
    if (path !== this.path) {
      this.notes.delete(path);
    }
  }

  async loadNotes(path: string): Promise<void> {
    if (!path) {
      return;
    }
    try {
      const notes = await this.source.notes(path);
      this.notes.set(path, notes);
      if (path === this.path) {
        this.notesError = null;
      }
    } catch (error) {
      if (path === this.path) {
        this.notesError = messageOf(error);
      }
    }
    this._notesChanged.emit(path);
    this.emit();
  }

  /** The active document changed: load its notes and hint. */
  async setPath(path: string): Promise<void> {
    if (path === this.path) {
      return;
    }
    const old = this.path;
    this.path = path;
    this.hint = null;
    this.notesError = null;
    if (old && !this.tracked.has(old)) {
      this.notes.delete(old);
    }
    this.emit();
    if (!path) {
      return;
    }
    await Promise.all([
      this.loadNotes(path),
      this.loadHint(path),
      this.loadFileActivity(path)
    ]);
  }

  /** The active file's own history (beyond the latest rows of all files). */
  async loadFileActivity(path: string): Promise<void> {
    try {
      const mine = await this.source.activity(path, ACTIVITY_ROWS);
      this.activity = mergeActivity(this.activity, mine, 2 * ACTIVITY_ROWS);
      this.emit();
    } catch {
      // the feed shows the error of its own load; a file's extra rows are a bonus
    }
  }

  async loadHint(path: string): Promise<void> {
    let hint: string | null = null;
    try {
      hint = hintLine(await this.source.hints(path));
    } catch {
      hint = null; // no analysis, or not a file: no hint, quietly
    }
    if (path === this.path) {
      this.hint = hint;
      this.emit();
    }
  }

  async addNote(
    path: string,
    line: number,
    endLine: number,
    body: string,
    cellId?: string
  ): Promise<Collab.INote> {
    const note = await this.source.addNote({
      path,
      line,
      end_line: endLine,
      body,
      ...(cellId ? { cell_id: cellId } : {})
    });
    this.onEvent({ type: 'note', action: 'added', note });
    return note;
  }

  // -- threads ----------------------------------------------------------------------------------

  /** The note whose thread is open in the panel (null: the notes list). */
  thread: Collab.INote | null = null;
  threadError: string | null = null;

  /** Any note loaded in the model (the active file's or an open editor's). */
  findNote(id: number): Collab.INote | null {
    for (const notes of this.notes.values()) {
      const note = notes.find(n => n.id === id);
      if (note) {
        return note;
      }
    }
    return this.thread?.id === id ? this.thread : null;
  }

  /** Open the thread of note `id` (null closes it). */
  openThread(id: number | null): void {
    this.thread = id === null ? null : this.findNote(id);
    this.threadError = null;
    this.emit();
  }

  /** Open the thread of note `id`, loading it when it is not among the loaded notes. */
  async showThread(id: number): Promise<void> {
    if (this.findNote(id)) {
      this.openThread(id);
      return;
    }
    try {
      this.thread = await this.source.note(id);
      this.threadError = null;
    } catch (error) {
      this.thread = null;
      this.threadError = messageOf(error);
    }
    this.emit();
  }

  async reply(id: number, body: string): Promise<void> {
    const note = await this.source.reply(id, body);
    this.onEvent({ type: 'note', action: 'replied', note });
  }

  async deleteNote(id: number): Promise<void> {
    const note = this.findNote(id);
    await this.source.deleteNote(id);
    this.onEvent({
      type: 'note',
      action: 'deleted',
      note: { id, path: note?.path ?? '' }
    });
  }

  // -- activity ---------------------------------------------------------------------------------

  /** Recent activity, newest first (all files; the feed filters). */
  activity: Collab.IActivity[] = [];
  activityError: string | null = null;
  /** Show only the active file's activity. */
  activityThisFile = false;

  /** The rows the feed shows. */
  get feed(): Collab.IActivity[] {
    return activityOf(this.activity, this.activityThisFile ? this.path : null);
  }

  async loadActivity(): Promise<void> {
    try {
      const rows = await this.source.activity(null, ACTIVITY_ROWS);
      this.activity = mergeActivity(this.activity, rows, 2 * ACTIVITY_ROWS);
      this.activityError = null;
    } catch (error) {
      this.activityError = messageOf(error);
    }
    this.emit();
  }

  setActivityFilter(thisFile: boolean): void {
    this.activityThisFile = thisFile;
    this.emit();
  }

  /** Share a run's output (a notebook cell's, or a run API result) on a file's activity. */
  async shareRun(body: {
    path: string;
    line?: number;
    end_line?: number;
    cell_id?: string;
    result: Collab.IRunResult;
  }): Promise<Collab.IActivity> {
    const row = await this.source.shareRun(body);
    this.onEvent({ type: 'activity', activity: row });
    return row;
  }

  async setState(id: number, state: 'open' | 'resolved'): Promise<void> {
    const note = await this.source.setState(id, state);
    this.onEvent({ type: 'note', action: 'updated', note });
  }

  /** A collaboration event of the events WebSocket. */
  onEvent(event: Collab.Event | { type: string; [key: string]: any }): void {
    switch (event.type) {
      case 'presence':
        this.rooms = mergePresence(this.rooms, event as any);
        this.moveFollower();
        this.emit();
        break;
      case 'note': {
        const e = event as Extract<Collab.Event, { type: 'note' }>;
        const path = e.note?.path;
        if (this.thread && e.note?.id === this.thread.id) {
          this.thread =
            e.action === 'deleted' || !('line' in e.note)
              ? null
              : (e.note as Collab.INote);
          this.emit();
        }
        if (path && this.notes.has(path)) {
          this.notes.set(path, applyNoteEvent(this.notesOf(path), path, e));
          this._notesChanged.emit(path);
          this.emit();
        }
        break;
      }
      case 'activity': {
        const row = (event as any).activity as Collab.IActivity;
        if (row && typeof row.id === 'number') {
          this.activity = mergeActivity(
            this.activity,
            [row],
            2 * ACTIVITY_ROWS
          );
          this.emit();
        }
        break;
      }
      case 'notes': {
        const e = event as Extract<Collab.Event, { type: 'notes' }>;
        if (this.thread && this.thread.path === e.path) {
          this.thread = applyMoved([this.thread], e.path, e)[0];
        }
        if (this.notes.has(e.path)) {
          this.notes.set(e.path, applyMoved(this.notesOf(e.path), e.path, e));
          this._notesChanged.emit(e.path);
          this.emit();
        }
        break;
      }
      case 'notification': {
        const n = (event as any).notification as Collab.INotification;
        if (n) {
          this._notified.emit(n);
        }
        break;
      }
    }
  }

  private emit(): void {
    this._changed.emit();
  }

  private lastTarget: { path: string; line: number | null } | null = null;
  private _followMoved = new Signal<
    this,
    { path: string; line: number | null }
  >(this);
  private notes = new Map<string, Collab.INote[]>();
  private tracked = new Map<string, number>();
  private _changed = new Signal<this, void>(this);
  private _notesChanged = new Signal<this, string>(this);
  private _notified = new Signal<this, Collab.INotification>(this);
}
