/** Wire types of the collaboration routes (mirrors jupyter_codepark/openapi.yaml). */
export namespace Collab {
  export interface IUserRef {
    username: string;
    name?: string | null;
    display_name?: string | null;
    initials?: string | null;
    color?: string | null;
  }

  export interface ICursor {
    line: number;
    from_line?: number;
    to_line?: number;
  }

  export interface IPresenceUser extends IUserRef {
    lines: number[];
    cursors: ICursor[];
    active: boolean;
    joined_at?: number;
    last_active?: number;
    last_edit?: number | null;
  }

  export interface IRoom {
    path: string;
    room_id: string;
    kind: 'file' | 'notebook';
    users: IPresenceUser[];
    last_edit?: { time: number; username: string | null } | null;
  }

  export interface IPresence {
    time: number;
    rooms: IRoom[];
    users?: {
      username: string;
      display_name?: string | null;
      color?: string | null;
      paths: string[];
      active: boolean;
    }[];
  }

  export interface IReply {
    id: number;
    author: IUserRef;
    body: string;
    created_at: number;
  }

  export type NoteState = 'open' | 'resolved' | 'outdated';

  export interface INote {
    id: number;
    path: string;
    author: IUserRef;
    body: string;
    state: NoteState;
    outdated: boolean;
    line: number;
    end_line: number;
    snippet: string;
    replies: IReply[];
    cell_id?: string | null;
    created_at?: number;
    updated_at?: number;
    resolved?: boolean;
    resolved_by?: string | null;
    resolved_at?: number | null;
    live?: boolean;
    mentions?: string[];
  }

  export interface INotification {
    id: number;
    kind: 'mention' | 'reply' | 'resolved' | 'reopened';
    actor: string | null;
    read: boolean;
    created_at: number;
    note_id?: number | null;
    reply_id?: number | null;
    path?: string | null;
    line?: number | null;
    excerpt?: string | null;
  }

  export interface ICoupledHint {
    path: string;
    degree: number;
    shared: number;
    revisions?: number | null;
    message: string;
  }

  export interface IHints {
    path: string;
    repository: { id: number; name: string; path: string } | null;
    file: {
      main_author?: string | null;
      main_author_username?: string | null;
      main_author_online?: boolean;
      ownership?: number | null;
      revisions?: number | null;
    } | null;
    coupled: ICoupledHint[];
    touched: string[];
    thresholds: { [key: string]: unknown };
  }

  /** One row of the activity history (never typed content). */
  export interface IActivity {
    id: number;
    time: number;
    user: string | null;
    kind: string;
    path: string | null;
    line?: number | null;
    end_line?: number | null;
    data?: {
      count?: number;
      note_id?: number;
      reply_id?: number;
      /** run.shared: the run's status, a bounded output excerpt, ... */
      status?: string;
      excerpt?: string;
      truncated?: boolean;
      cell_id?: string;
      error?: string;
      outputs?: string[];
      [key: string]: unknown;
    };
  }

  /** A run result to share (`POST /codepark/api/run`'s answer, or a cell's outputs). */
  export interface IRunResult {
    status: 'ok' | 'error' | 'timeout' | 'killed';
    stdout?: string;
    stderr?: string;
    outputs?: Record<string, unknown>[];
    error?: { ename?: string; evalue?: string } | null;
    reason?: string | null;
    truncated?: boolean;
    duration_s?: number;
  }

  /** Collaboration events of the events WebSocket. */
  export type Event =
    | { type: 'presence'; rooms: IRoom[]; closed?: string[] }
    | {
        type: 'note';
        action: 'added' | 'updated' | 'replied' | 'deleted';
        note: INote | { id: number; path: string };
      }
    | {
        type: 'notes';
        path: string;
        moved: {
          id: number;
          line: number;
          end_line: number;
          outdated: boolean;
        }[];
      }
    | { type: 'notification'; notification: INotification }
    | { type: 'activity'; activity: IActivity };
}
