import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { messageOf } from '../panel/analysis';
import * as api from './api';
import {
  applyMoved,
  applyNoteEvent,
  followTarget,
  hintLine,
  IPersonRow,
  mergePresence,
  peopleRows
} from './state';
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
    body: string;
  }): Promise<Collab.INote>;
  setState(id: number, state: 'open' | 'resolved'): Promise<Collab.INote>;
}

export function restSource(
  settings: ServerConnection.ISettings
): ICollabSource {
  return {
    presence: () => api.getPresence(settings),
    notes: async path => (await api.getNotes(path, settings)).items,
    hints: path => api.getHints(path, settings),
    addNote: body => api.addNote(body, settings),
    setState: (id, state) => api.setNoteState(id, state, settings)
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
    await Promise.all([this.loadNotes(path), this.loadHint(path)]);
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
    body: string
  ): Promise<Collab.INote> {
    const note = await this.source.addNote({
      path,
      line,
      end_line: endLine,
      body
    });
    this.onEvent({ type: 'note', action: 'added', note });
    return note;
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
        if (path && this.notes.has(path)) {
          this.notes.set(path, applyNoteEvent(this.notesOf(path), path, e));
          this._notesChanged.emit(path);
          this.emit();
        }
        break;
      }
      case 'notes': {
        const e = event as Extract<Collab.Event, { type: 'notes' }>;
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
