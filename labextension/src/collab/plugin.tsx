import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  Notification
} from '@jupyterlab/apputils';
import { CodeMirrorEditor } from '@jupyterlab/codemirror';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { ReactWidget, usersIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { messageOf } from '../panel/analysis';
import { CityWidget } from '../widgets/city';
import { ITeamActions, TeamPanelBody } from './components';
import { showMarks } from './markers';
import { CollabModel, restSource } from './model';
import { CollabSocket } from './socket';
import {
  cellNotes,
  cellRunResult,
  noteMarks,
  notificationText,
  peopleByFile,
  selectionLines
} from './state';
import { Collab } from './types';

export const COLLAB_PLUGIN_ID = 'jupyter-codepark:collab';

export namespace CollabCommandIDs {
  export const addNote = 'codepark:add-note';
  export const openTeam = 'codepark:open-team';
  export const shareOutput = 'codepark:share-output';
  export const openNote = 'codepark:open-note';
}

/** A document path without a drive prefix (`RTC:a/b.py` → `a/b.py`). */
export function localPath(path: string): string {
  return path.replace(/^[A-Za-z0-9_.-]+:(?!\/)/, '');
}

function documentPath(widget: Widget | null): string | null {
  const context = (widget as any)?.context;
  return context && typeof context.path === 'string'
    ? localPath(context.path)
    : null;
}

/** The team side panel: who is where, the active file's hint and notes. */
class TeamPanel extends ReactWidget {
  constructor(
    readonly model: CollabModel,
    readonly actions: ITeamActions
  ) {
    super();
    this.id = 'jp-codepark-team';
    this.addClass('jp-CodePark-panel');
    this.addClass('jp-CodePark-teamPanel');
    this.title.icon = usersIcon;
    this.title.caption = 'CodePark team: who is where, review notes';
  }

  protected render(): JSX.Element {
    return <TeamPanelBody model={this.model} actions={this.actions} />;
  }
}

export const collabPlugin: JupyterFrontEndPlugin<void> = {
  id: COLLAB_PLUGIN_ID,
  description:
    'CodePark team layer: presence, review notes anchored to code, hints, mentions.',
  autoStart: true,
  optional: [
    ILabShell,
    IEditorTracker,
    ICommandPalette,
    IDocumentManager,
    ILayoutRestorer,
    INotebookTracker,
    IRenderMimeRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    editors: IEditorTracker | null,
    palette: ICommandPalette | null,
    docManager: IDocumentManager | null,
    restorer: ILayoutRestorer | null,
    notebooks: INotebookTracker | null,
    rendermime: IRenderMimeRegistry | null
  ) => {
    const settings = app.serviceManager.serverSettings;
    const model = new CollabModel(restSource(settings));
    const users = app.serviceManager.user;
    const setMe = () => {
      model.me = users.identity?.username ?? null;
    };
    setMe();
    users.userChanged.connect(setMe);

    const openFile = async (
      path: string,
      line?: number,
      cellId?: string | null
    ): Promise<void> => {
      const widget: any = docManager
        ? docManager.openOrReveal(path)
        : await app.commands.execute('docmanager:open', { path });
      if (!widget || (!line && !cellId)) {
        return;
      }
      await widget.context?.ready;
      await widget.revealed;
      if (widget instanceof NotebookPanel) {
        await revealCell(widget, cellId ?? null, line);
        return;
      }
      if (!line) {
        return;
      }
      const editor = widget.content?.editor;
      if (editor?.setCursorPosition) {
        const position = { line: Math.max(0, line - 1), column: 0 };
        editor.setCursorPosition(position);
        editor.revealPosition?.(position);
        editor.focus?.();
      }
    };

    /** Activate the cell `cellId` of a notebook and put the cursor on its `line`. */
    const revealCell = async (
      panel: NotebookPanel,
      cellId: string | null,
      line?: number
    ): Promise<void> => {
      const notebook = panel.content;
      const index = cellId
        ? notebook.widgets.findIndex(c => c.model.id === cellId)
        : -1;
      if (index < 0) {
        return;
      }
      notebook.activeCellIndex = index;
      const cell = notebook.widgets[index];
      await notebook.scrollToItem(index).catch(() => undefined);
      await cell.ready;
      if (line && cell.editor) {
        const position = { line: Math.max(0, line - 1), column: 0 };
        cell.editor.setCursorPosition(position);
        cell.editor.revealPosition(position);
      }
    };

    /**
     * What "Add note" acts on: the current file editor, or the active cell of the current
     * notebook (its lines are lines of the cell).
     */
    const noteTarget = () => {
      const current = app.shell.currentWidget;
      const notebook = notebooks?.currentWidget ?? null;
      if (notebook && (current === notebook || !editors?.currentWidget)) {
        const cell = notebook.content.activeCell;
        const path = documentPath(notebook);
        if (cell?.editor && path) {
          return { path, editor: cell.editor, cellId: cell.model.id };
        }
      }
      const widget = editors?.currentWidget ?? null;
      const path = widget ? documentPath(widget) : null;
      return widget && path
        ? { path, editor: widget.content.editor, cellId: undefined }
        : null;
    };

    const addNote = async (): Promise<void> => {
      const current = noteTarget();
      if (!current) {
        Notification.warning(
          'Open a file in an editor (or select a notebook cell) to add a note.',
          { autoClose: 5000 }
        );
        return;
      }
      const selection = current.editor.getSelection();
      const range = selectionLines(selection.start, selection.end);
      const lines =
        range.end_line > range.line
          ? `lines ${range.line}–${range.end_line}`
          : `line ${range.line}`;
      const where = current.cellId ? `${lines} of the active cell` : lines;
      const result = await InputDialog.getText({
        title: 'Add a review note',
        label: `Note on ${current.path}, ${where} (Markdown; @username notifies)`,
        placeholder: 'What should the team know about these lines?'
      });
      const body = result.button.accept ? (result.value ?? '').trim() : '';
      if (!body) {
        return;
      }
      try {
        const note = await model.addNote(
          current.path,
          range.line,
          range.end_line,
          body,
          current.cellId
        );
        model.openThread(note.id);
        app.shell.activateById(panel.id);
      } catch (error) {
        Notification.error(`The note could not be added: ${messageOf(error)}`, {
          autoClose: 8000
        });
      }
    };

    const renderMarkdown = rendermime
      ? async (markdown: string, host: HTMLElement): Promise<void> => {
          const renderer = rendermime.createRenderer('text/markdown');
          await renderer.renderModel(
            new MimeModel({ data: { 'text/markdown': markdown } })
          );
          host.replaceChildren(renderer.node);
        }
      : undefined;

    const panel = new TeamPanel(model, {
      openFile: (path, line, cellId) => void openFile(path, line, cellId),
      addNote: () => void addNote(),
      renderMarkdown
    });

    /** Open a note's thread in the team panel (a marker was clicked). */
    const openNote = (id: number) => {
      model.openThread(id);
      app.shell.activateById(panel.id);
    };

    /** Share the output of the active notebook cell, or a given run result, on a file. */
    const shareOutput = async (args: {
      path?: string;
      line?: number;
      end_line?: number;
      cell_id?: string;
      result?: Collab.IRunResult;
    }): Promise<Collab.IActivity | null> => {
      let body: Parameters<CollabModel['shareRun']>[0] | null = null;
      if (typeof args.path === 'string' && args.result) {
        body = { ...args, path: args.path, result: args.result };
      } else {
        const notebook = notebooks?.currentWidget ?? null;
        const cell = notebook?.content.activeCell;
        const path = notebook ? documentPath(notebook) : null;
        const outputs =
          cell?.model.type === 'code'
            ? ((cell.model as any).outputs?.toJSON() as Record<
                string,
                unknown
              >[])
            : [];
        if (!path || !cell || !outputs?.length) {
          Notification.warning(
            'Select a notebook cell with output to share it with collaborators.',
            { autoClose: 5000 }
          );
          return null;
        }
        body = { path, cell_id: cell.model.id, result: cellRunResult(outputs) };
      }
      try {
        const row = await model.shareRun(body);
        Notification.success(`Output shared on ${body.path}.`, {
          autoClose: 4000
        });
        return row;
      } catch (error) {
        Notification.error(
          `The output could not be shared: ${messageOf(error)}`,
          {
            autoClose: 8000
          }
        );
        return null;
      }
    };
    app.shell.add(panel, 'left', { rank: 710 });
    restorer?.add(panel, 'codepark-team');

    app.commands.addCommand(CollabCommandIDs.addNote, {
      label: 'CodePark: Add note',
      caption:
        'Add a review note on the selected lines (of a file or a notebook cell)',
      isEnabled: () => noteTarget() !== null,
      execute: () => addNote()
    });
    app.commands.addCommand(CollabCommandIDs.shareOutput, {
      label: 'CodePark: Share output with collaborators',
      caption:
        "Post the active cell's output (or a run result given as `result`) to the file's activity",
      execute: args => shareOutput(args as any)
    });
    app.commands.addCommand(CollabCommandIDs.openNote, {
      label: 'CodePark: Open note thread',
      caption: 'Show a review note and its replies in the team panel',
      execute: args => {
        if (typeof args.id === 'number') {
          openNote(args.id);
        }
      }
    });
    palette?.addItem({
      command: CollabCommandIDs.shareOutput,
      category: 'CodePark'
    });
    app.commands.addCommand(CollabCommandIDs.openTeam, {
      label: 'CodePark: Show the team',
      caption: 'Who is where, and the notes of the active file',
      icon: usersIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({
      command: CollabCommandIDs.addNote,
      category: 'CodePark'
    });
    palette?.addItem({
      command: CollabCommandIDs.openTeam,
      category: 'CodePark'
    });
    app.contextMenu.addItem({
      command: CollabCommandIDs.addNote,
      selector: '.jp-FileEditor',
      rank: 80
    });
    app.contextMenu.addItem({
      command: CollabCommandIDs.addNote,
      selector: '.jp-Notebook .jp-Cell',
      rank: 80
    });
    app.contextMenu.addItem({
      command: CollabCommandIDs.shareOutput,
      selector: '.jp-Notebook .jp-CodeCell',
      rank: 81
    });

    // markers in file editors, refreshed when the notes of their file change
    const refreshMarks = (path: string) => {
      editors?.forEach(widget => {
        if (documentPath(widget) !== path) {
          return;
        }
        const editor = widget.content.editor;
        if (editor instanceof CodeMirrorEditor) {
          showMarks(
            editor.editor,
            ext => editor.injectExtension(ext),
            noteMarks(model.notesOf(path).filter(n => !n.cell_id)),
            openNote
          );
        }
      });
      notebooks?.forEach(nb => {
        if (documentPath(nb) === path) {
          markCells(nb, path);
        }
      });
    };

    /** Markers of the notes of each cell of a notebook, on the cell's own lines. */
    const markCells = (nb: NotebookPanel, path: string) => {
      const notes = model.notesOf(path);
      for (const cell of nb.content.widgets) {
        const id = cell.model.id;
        void cell.ready.then(() => {
          const editor = cell.editor;
          if (editor instanceof CodeMirrorEditor && !cell.isDisposed) {
            showMarks(
              editor.editor,
              ext => editor.injectExtension(ext),
              noteMarks(cellNotes(notes, id)),
              openNote
            );
          }
        });
      }
    };

    /** Follow the notes of a document widget's file while it is open. */
    const trackDocument = (
      widget: { context: any; disposed: any },
      onCells?: (path: string) => void
    ) => {
      let path = '';
      const follow = () => {
        const next = documentPath(widget as any) ?? '';
        if (next === path) {
          return;
        }
        if (path) {
          model.untrack(path);
        }
        path = next;
        if (path) {
          void model.track(path).then(() => refreshMarks(path));
        }
      };
      void widget.context.ready.then(() => {
        follow();
        onCells?.(path);
      });
      widget.context.pathChanged.connect(follow);
      widget.disposed.connect(() => {
        if (path) {
          model.untrack(path);
        }
      });
      return () => path;
    };
    model.notesChanged.connect((_, path) => refreshMarks(path));
    editors?.widgetAdded.connect((_, widget) => {
      trackDocument(widget);
    });
    notebooks?.widgetAdded.connect((_, nb) => {
      const pathOf = trackDocument(nb, () => {
        // cells added, moved or pasted: mark them too
        nb.content.model?.cells.changed.connect(() => {
          const path = pathOf();
          if (path) {
            window.setTimeout(() => markCells(nb, path), 0);
          }
        });
      });
    });

    // people on the 3D cities of the main area
    const showPeopleOnCities = () => {
      for (const widget of labShell?.widgets('main') ?? []) {
        if (widget instanceof CityWidget && !widget.isDisposed) {
          widget.showPeople(
            peopleByFile(model.rooms, widget.options.repoPath, model.me)
          );
        }
      }
    };
    let shownRooms: unknown = null;
    model.changed.connect(() => {
      if (model.rooms !== shownRooms) {
        shownRooms = model.rooms;
        showPeopleOnCities();
      }
    });
    labShell?.layoutModified.connect(() => {
      for (const widget of labShell.widgets('main')) {
        if (widget instanceof CityWidget && !citiesSeen.has(widget)) {
          citiesSeen.add(widget);
          void widget.ready.then(showPeopleOnCities);
        }
      }
    });
    const citiesSeen = new WeakSet<CityWidget>();

    // the active document
    const activate = (widget: Widget | null) => {
      const path = documentPath(widget);
      if (path !== null) {
        void model.setPath(path);
      }
    };
    labShell?.currentChanged.connect((_, change) => activate(change.newValue));

    model.followMoved.connect(
      (_, target) => void openFile(target.path, target.line ?? undefined)
    );
    labShell?.currentChanged.connect(() => {
      // a note's thread belongs to the file it is on
      if (model.thread && model.thread.path !== model.path) {
        model.openThread(null);
      }
    });

    model.notified.connect((_, n) => {
      const open = async () => {
        await openFile(n.path as string, n.line ?? undefined);
        if (typeof n.note_id === 'number') {
          await model.showThread(n.note_id);
          app.shell.activateById(panel.id);
        }
      };
      const actions = n.path
        ? [{ label: 'Open', callback: () => void open() }]
        : [];
      Notification.info(notificationText(n), { autoClose: 10_000, actions });
    });

    // live events; catch up over REST whenever the socket (re)opens
    const socket = new CollabSocket(
      settings,
      event => model.onEvent(event),
      () => {
        void model.refreshPresence();
        void model.loadActivity();
        if (model.path) {
          void model.loadNotes(model.path);
        }
      }
    );
    void app.restored.then(() => {
      void model.refreshPresence();
      void model.loadActivity();
      activate(app.shell.currentWidget);
    });
    void socket;
  }
};
