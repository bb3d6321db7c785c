import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../request';
import { Collab } from './types';

type Settings = ServerConnection.ISettings;

const q = (path: string) => `?path=${encodeURIComponent(path)}`;

export function getPresence(settings: Settings): Promise<Collab.IPresence> {
  return requestAPI<Collab.IPresence>('presence', {}, settings);
}

export function getNotes(
  path: string,
  settings: Settings
): Promise<{ items: Collab.INote[]; total: number }> {
  return requestAPI('notes' + q(path), {}, settings);
}

export function addNote(
  body: {
    path: string;
    line: number;
    end_line?: number;
    cell_id?: string;
    body: string;
  },
  settings: Settings
): Promise<Collab.INote> {
  return requestAPI<Collab.INote>(
    'notes',
    { method: 'POST', body: JSON.stringify(body) },
    settings
  );
}

export function setNoteState(
  id: number,
  state: 'open' | 'resolved',
  settings: Settings
): Promise<Collab.INote> {
  return requestAPI<Collab.INote>(
    `notes/${id}`,
    { method: 'PATCH', body: JSON.stringify({ state }) },
    settings
  );
}

export function getHints(
  path: string,
  settings: Settings
): Promise<Collab.IHints> {
  return requestAPI<Collab.IHints>('hints' + q(path), {}, settings);
}

export function replyToNote(
  id: number,
  body: string,
  settings: Settings
): Promise<Collab.INote> {
  return requestAPI<Collab.INote>(
    `notes/${id}/replies`,
    { method: 'POST', body: JSON.stringify({ body }) },
    settings
  );
}

export async function deleteNote(
  id: number,
  settings: Settings
): Promise<void> {
  await requestAPI<unknown>(`notes/${id}`, { method: 'DELETE' }, settings);
}

export function getActivity(
  path: string | null,
  limit: number,
  settings: Settings
): Promise<{ items: Collab.IActivity[]; total: number }> {
  const query =
    `?limit=${limit}` + (path ? `&path=${encodeURIComponent(path)}` : '');
  return requestAPI('activity' + query, {}, settings);
}

export function shareRun(
  body: {
    path: string;
    line?: number;
    end_line?: number;
    cell_id?: string;
    result: Collab.IRunResult;
  },
  settings: Settings
): Promise<Collab.IActivity> {
  return requestAPI<Collab.IActivity>(
    'activity/runs',
    { method: 'POST', body: JSON.stringify(body) },
    settings
  );
}

export function getNote(id: number, settings: Settings): Promise<Collab.INote> {
  return requestAPI<Collab.INote>(`notes/${id}`, {}, settings);
}
