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
import { ReactWidget, usersIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { messageOf } from '../panel/analysis';
import { TeamPanelBody } from './components';
import { showMarks } from './markers';
import { CollabModel, restSource } from './model';
import { CollabSocket } from './socket';
import { noteMarks, notificationText, selectionLines } from './state';

export const COLLAB_PLUGIN_ID = 'jupyter-codepark:collab';

export namespace CollabCommandIDs {
  export const addNote = 'codepark:add-note';
  export const openTeam = 'codepark:open-team';
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
    readonly actions: {
      openFile: (path: string, line?: number) => void;
      addNote: () => void;
    }
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
    ILayoutRestorer
  ],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    editors: IEditorTracker | null,
    palette: ICommandPalette | null,
    docManager: IDocumentManager | null,
    restorer: ILayoutRestorer | null
  ) => {
    const settings = app.serviceManager.serverSettings;
    const model = new CollabModel(restSource(settings));
    const users = app.serviceManager.user;
    const setMe = () => {
      model.me = users.identity?.username ?? null;
    };
    setMe();
    users.userChanged.connect(setMe);

    const openFile = async (path: string, line?: number): Promise<void> => {
      const widget: any = docManager
        ? docManager.openOrReveal(path)
        : await app.commands.execute('docmanager:open', { path });
      if (!widget || !line) {
        return;
      }
      await widget.context?.ready;
      await widget.revealed;
      const editor = widget.content?.editor;
      if (editor?.setCursorPosition) {
        const position = { line: Math.max(0, line - 1), column: 0 };
        editor.setCursorPosition(position);
        editor.revealPosition?.(position);
        editor.focus?.();
      }
    };

    /** The file editor the command acts on: the tracker's current one. */
    const currentEditor = () => {
      const widget = editors?.currentWidget ?? null;
      const path = widget ? documentPath(widget) : null;
      return widget && path ? { widget, path } : null;
    };

    const addNote = async (): Promise<void> => {
      const current = currentEditor();
      if (!current) {
        Notification.warning('Open a file in an editor to add a note.', {
          autoClose: 5000
        });
        return;
      }
      const editor = current.widget.content.editor;
      const selection = editor.getSelection();
      const range = selectionLines(selection.start, selection.end);
      const where =
        range.end_line > range.line
          ? `lines ${range.line}–${range.end_line}`
          : `line ${range.line}`;
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
        await model.addNote(current.path, range.line, range.end_line, body);
        app.shell.activateById(panel.id);
      } catch (error) {
        Notification.error(`The note could not be added: ${messageOf(error)}`, {
          autoClose: 8000
        });
      }
    };

    const panel = new TeamPanel(model, {
      openFile: (path, line) => void openFile(path, line),
      addNote: () => void addNote()
    });
    app.shell.add(panel, 'left', { rank: 710 });
    restorer?.add(panel, 'codepark-team');

    app.commands.addCommand(CollabCommandIDs.addNote, {
      label: 'CodePark: Add note',
      caption: 'Add a review note on the selected lines',
      isEnabled: () => currentEditor() !== null,
      execute: () => addNote()
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
            noteMarks(model.notesOf(path))
          );
        }
      });
    };
    model.notesChanged.connect((_, path) => refreshMarks(path));
    editors?.widgetAdded.connect((_, widget) => {
      let path = '';
      const follow = () => {
        const next = documentPath(widget) ?? '';
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
      void widget.context.ready.then(follow);
      widget.context.pathChanged.connect(follow);
      widget.disposed.connect(() => {
        if (path) {
          model.untrack(path);
        }
      });
    });

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

    model.notified.connect((_, n) => {
      const actions = n.path
        ? [
            {
              label: 'Open',
              callback: () =>
                void openFile(n.path as string, n.line ?? undefined)
            }
          ]
        : [];
      Notification.info(notificationText(n), { autoClose: 10_000, actions });
    });

    // live events; catch up over REST whenever the socket (re)opens
    const socket = new CollabSocket(
      settings,
      event => model.onEvent(event),
      () => {
        void model.refreshPresence();
        if (model.path) {
          void model.loadNotes(model.path);
        }
      }
    );
    void app.restored.then(() => {
      void model.refreshPresence();
      activate(app.shell.currentWidget);
    });
    void socket;
  }
};
