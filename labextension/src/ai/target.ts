import { CodeEditor } from '@jupyterlab/codeeditor';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { selectionLines } from '../collab/state';
import { editRange } from './logic';
import { AI } from './types';

/** The shared text of a file or a cell: what edits go through (one Yjs transaction). */
export interface ISharedText {
  getSource(): string;
  updateSource(start: number, end: number, value?: string): void;
  transact(f: () => void, undoable?: boolean): void;
  undoManager?: { stopCapturing(): void } | null;
  changed: {
    connect(f: () => void): boolean;
    disconnect(f: () => void): boolean;
  };
}

/** The code a command works on: a file editor, or a notebook's active code cell. */
export interface ITarget {
  path: string;
  notebook: NotebookPanel | null;
  /** The cell's index in its notebook. */
  cell?: number;
  editor: CodeEditor.IEditor;
  shared: ISharedText;
  widget: Widget;
}

/** The file editor or notebook code cell the user works in (the shell's current widget). */
export function currentTarget(
  current: Widget | null,
  editors: IEditorTracker | null,
  notebooks: INotebookTracker | null
): ITarget | null {
  if (notebooks && current && notebooks.has(current)) {
    const nb = current as NotebookPanel;
    const cell = nb.content.activeCell;
    if (!cell || cell.model.type !== 'code' || !cell.editor) {
      return null;
    }
    return {
      path: nb.context.path,
      notebook: nb,
      cell: nb.content.activeCellIndex,
      editor: cell.editor,
      shared: cell.model.sharedModel as unknown as ISharedText,
      widget: nb
    };
  }
  const doc =
    editors && current && editors.has(current)
      ? editors.currentWidget
      : (editors?.currentWidget ?? null);
  if (!doc) {
    return null;
  }
  return {
    path: doc.context.path,
    notebook: null,
    editor: doc.content.editor,
    shared: doc.content.model.sharedModel as unknown as ISharedText,
    widget: doc
  };
}

/**
 * The request naming the target: its editor text (unsaved edits included), the selected lines,
 * or with `useCursor` and no selection the cursor's line; the cell of a notebook.
 */
export function requestOf(
  t: ITarget,
  useCursor: boolean
): AI.ICodeRequest & { source: string } {
  const req: AI.ICodeRequest & { source: string } = {
    path: t.path,
    source: t.shared.getSource()
  };
  if (t.cell !== undefined) {
    req.cell = t.cell;
  }
  const sel = t.editor.getSelection();
  const empty =
    sel.start.line === sel.end.line && sel.start.column === sel.end.column;
  if (!empty) {
    Object.assign(req, selectionLines(sel.start, sel.end));
  } else if (useCursor) {
    req.line = t.editor.getCursorPosition().line + 1;
  }
  return req;
}

/** The server reads a notebook's other cells from disk: save unsaved changes first. */
export async function saveNotebook(t: ITarget): Promise<void> {
  if (t.notebook && t.notebook.context.model.dirty) {
    await t.notebook.context.save();
  }
}

/**
 * Apply an edit computed on `sent` as one undoable change of the shared text (one Yjs
 * transaction between two capture stops: one Ctrl+Z reverts it). False, and nothing applied,
 * when the text changed since it was sent.
 */
export function applyEditOnce(
  shared: ISharedText,
  sent: string,
  edit: AI.IEdit
): boolean {
  const now = shared.getSource();
  if (now !== sent) {
    return false;
  }
  const { from, to, insert } = editRange(now, edit);
  shared.undoManager?.stopCapturing();
  shared.transact(() => shared.updateSource(from, to, insert));
  shared.undoManager?.stopCapturing();
  return true;
}
