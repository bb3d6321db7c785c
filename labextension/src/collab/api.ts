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
  body: { path: string; line: number; end_line?: number; body: string },
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
