import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { CodeMirrorEditor } from '@jupyterlab/codemirror';
import { ICompletionProviderManager } from '@jupyterlab/completer';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { selectionLines } from '../collab/state';
import { codeparkIcon } from '../icons';
import { CommandIDs, ICodeParkPanel } from '../tokens';
import { ask, stream } from './api';
import { CodeParkInlineProvider } from './completion';
import { InsightsSection, ReviewSection } from './components';
import { showFindings } from './diagnostics';
import { errorMessage } from './errors';
import { ExplainView } from './explain';
import { editRange, findingsOfCell, substantialChange } from './logic';
import { AIModel } from './model';
import { AI } from './types';

export const AI_PLUGIN_ID = 'jupyter-codepark:ai';
const PALETTE_CATEGORY = 'CodePark';
const WATCH_DELAY_MS = 400;

/** The settings of this plugin (labextension/schema/ai.json). */
interface IAISettings {
  inlineCompletion: boolean;
  docstringStyle: 'server' | 'numpy' | 'google';
}

/** The shared text of a file or a cell: what edits go through (one Yjs transaction). */
interface ISharedText {
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
interface ITarget {
  path: string;
  notebook: NotebookPanel | null;
  cell?: number;
  editor: CodeEditor.IEditor;
  shared: ISharedText;
  widget: Widget;
}

/** Markers shown in one editor, with what they were computed on. */
interface IShown {
  view: CodeMirrorEditor;
  shared: ISharedText;
  text: string;
  watch: () => void;
}

export const aiPlugin: JupyterFrontEndPlugin<void> = {
  id: AI_PLUGIN_ID,
  description:
    'CodePark AI help: review, explain, add docstrings, insights, inline completion.',
  autoStart: true,
  optional: [
    IEditorTracker,
    INotebookTracker,
    ICommandPalette,
    ICompletionProviderManager,
    IRenderMimeRegistry,
    ISettingRegistry,
    ICodeParkPanel
  ],
  activate: (
    app: JupyterFrontEnd,
    editors: IEditorTracker | null,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
    completions: ICompletionProviderManager | null,
    rendermime: IRenderMimeRegistry | null,
    settingRegistry: ISettingRegistry | null,
    panel: ICodeParkPanel | null
  ) => {
    const serverSettings = app.serviceManager.serverSettings;
    const model = new AIModel();
    let settings: IAISettings = {
      inlineCompletion: false,
      docstringStyle: 'server'
    };

    const notifyError = (error: unknown, action: string) => {
      Notification.error(errorMessage(error, action), { autoClose: 10000 });
    };

    // -- what a command works on ---------------------------------------------------------

    const currentTarget = (): ITarget | null => {
      const shell = app.shell.currentWidget;
      const nb =
        notebooks && shell && notebooks.has(shell)
          ? (shell as NotebookPanel)
          : null;
      const ed =
        editors && shell && editors.has(shell) ? editors.currentWidget : null;
      if (nb) {
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
      const doc = ed ?? editors?.currentWidget ?? null;
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
    };

    /** The request naming the target: its text, the selection's lines, the cell. */
    const requestOf = (
      t: ITarget,
      useCursor: boolean
    ): AI.ICodeRequest & { source: string } => {
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
    };

    /** A notebook is read from disk by the server: save unsaved cells first. */
    const saveNotebook = async (t: ITarget) => {
      if (t.notebook && t.notebook.context.model.dirty) {
        await t.notebook.context.save();
      }
    };

    // -- review markers ------------------------------------------------------------------

    const shown = new Map<string, IShown>();
    const keyOf = (path: string, cell?: number) => `${path}#${cell ?? ''}`;

    const clearMarkers = (key: string) => {
      const s = shown.get(key);
      if (s) {
        s.shared.changed.disconnect(s.watch);
        if (!s.view.isDisposed) {
          showFindings(s.view.editor, e => s.view.injectExtension(e), []);
        }
        shown.delete(key);
      }
    };

    const showMarkers = (t: ITarget, findings: AI.IFinding[]) => {
      const key = keyOf(t.path, t.cell);
      clearMarkers(key);
      const view = t.editor as CodeMirrorEditor;
      if (!view.editor) {
        return;
      }
      showFindings(view.editor, e => view.injectExtension(e), findings);
      let timer: number | null = null;
      const entry: IShown = {
        view,
        shared: t.shared,
        text: t.shared.getSource(),
        watch: () => {
          if (timer !== null) {
            window.clearTimeout(timer);
          }
          timer = window.setTimeout(() => {
            timer = null;
            if (substantialChange(entry.text, t.shared.getSource())) {
              clearMarkers(key);
              model.markStale(t.path, t.cell);
            }
          }, WATCH_DELAY_MS);
        }
      };
      t.shared.changed.connect(entry.watch);
      shown.set(key, entry);
    };

    const review = async (t: ITarget) => {
      await saveNotebook(t);
      const req = requestOf(t, false);
      model.setReviewing(t.path);
      try {
        const answer = await ask('review', req, serverSettings);
        const findings = answer.findings ?? [];
        const mine =
          t.cell !== undefined ? findingsOfCell(findings, t.cell) : findings;
        showMarkers(t, mine);
        model.setReview({
          path: t.path,
          notebook: t.notebook !== null,
          cell: t.cell,
          findings: mine,
          generatedBy: answer.generated_by,
          cached: answer.cached,
          stale: false
        });
        Notification.info(
          `CodePark review of ${t.path}: ${mine.length} finding${mine.length === 1 ? '' : 's'}.`,
          {
            autoClose: 4000,
            actions: panel
              ? [
                  {
                    label: 'Show list',
                    callback: () => app.shell.activateById(panel.id)
                  }
                ]
              : []
          }
        );
      } catch (error) {
        model.setReviewing(null);
        notifyError(error, 'review');
      }
    };

    // -- jumping to a finding ------------------------------------------------------------

    const openFinding = async (
      r: { path: string; notebook: boolean },
      f: AI.IFinding
    ) => {
      const widget: any = await app.commands.execute('docmanager:open', {
        path: r.path
      });
      if (!widget) {
        return;
      }
      await widget.context?.ready;
      await widget.revealed;
      const position = { line: Math.max(0, f.line - 1), column: 0 };
      if (r.notebook && f.cell !== undefined) {
        const nb = (widget as NotebookPanel).content;
        nb.activeCellIndex = f.cell;
        const cell = nb.widgets[f.cell];
        if (cell) {
          await nb.scrollToCell(cell);
          cell.editor?.setCursorPosition(position);
          cell.editor?.focus();
        }
        return;
      }
      const editor: CodeEditor.IEditor | undefined = widget.content?.editor;
      if (editor) {
        editor.setCursorPosition(position);
        editor.revealPosition(position);
        editor.focus();
      }
    };

    // -- explain ---------------------------------------------------------------------------

    const explain = async (t: ITarget) => {
      await saveNotebook(t);
      const req = requestOf(t, true);
      const where =
        t.path +
        (t.cell !== undefined ? ` cell ${t.cell + 1}` : '') +
        (req.line
          ? `:${req.line}${req.end_line && req.end_line !== req.line ? `–${req.end_line}` : ''}`
          : '');
      const view = new ExplainView(where, rendermime);
      app.shell.add(view, 'main', { mode: 'split-right' });
      app.shell.activateById(view.id);
      try {
        for await (const e of stream('explain', req, serverSettings)) {
          if (e.event === 'delta') {
            view.append(e.data.text);
          } else if (e.event === 'result') {
            await view.finish(e.data);
          }
        }
      } catch (error) {
        const message = errorMessage(error, 'explain');
        view.fail(message);
        Notification.error(message, { autoClose: 10000 });
      }
    };

    // -- docstring -------------------------------------------------------------------------

    const addDocstring = async (t: ITarget) => {
      await saveNotebook(t);
      const req = requestOf(t, true);
      if (!req.line && !req.function) {
        req.line = t.editor.getCursorPosition().line + 1;
      }
      req.end_line = undefined;
      if (settings.docstringStyle !== 'server') {
        req.style = settings.docstringStyle;
      }
      try {
        const answer = await ask('docstring', req, serverSettings);
        const edit = answer.edit;
        if (!edit) {
          throw new Error('the answer carries no edit');
        }
        const now = t.shared.getSource();
        if (now !== req.source) {
          Notification.warning(
            'CodePark: the text changed while the docstring was written; nothing was applied. Try again.',
            { autoClose: 8000 }
          );
          return;
        }
        const { from, to, insert } = editRange(now, edit);
        // one Yjs transaction between two capture stops: one undo step (Ctrl+Z reverts it)
        t.shared.undoManager?.stopCapturing();
        t.shared.transact(() => t.shared.updateSource(from, to, insert));
        t.shared.undoManager?.stopCapturing();
        const fn = (answer.target?.function as string) ?? 'the function';
        Notification.success(
          `CodePark added a docstring to ${fn} (Ctrl+Z to undo).`,
          { autoClose: 4000 }
        );
      } catch (error) {
        notifyError(error, 'docstring');
      }
    };

    // -- insights --------------------------------------------------------------------------

    const insights = async () => {
      const repo = panel?.selectedRepo();
      if (!repo) {
        Notification.warning(
          'CodePark insights: choose an analysed repository in the CodePark panel first.',
          { autoClose: 6000 }
        );
        return;
      }
      const state = {
        repo: repo.path,
        running: true,
        text: '',
        answer: null as AI.IAnswer | null,
        error: null as string | null
      };
      model.setInsights({ ...state });
      try {
        const body = { repo: repo.repo_id ?? repo.path };
        for await (const e of stream('insights', body, serverSettings)) {
          if (e.event === 'delta') {
            state.text += e.data.text;
          } else if (e.event === 'result') {
            state.answer = e.data;
            state.text = e.data.text;
          }
          model.setInsights({ ...state });
        }
      } catch (error) {
        state.error = errorMessage(error, 'insights');
        Notification.error(state.error, { autoClose: 10000 });
      }
      state.running = false;
      model.setInsights({ ...state });
    };

    // -- commands --------------------------------------------------------------------------

    const withTarget =
      (f: (t: ITarget) => Promise<void>, action: string) => async () => {
        const t = currentTarget();
        if (!t) {
          Notification.warning(
            `CodePark ${action}: open a file or select a notebook code cell first.`,
            { autoClose: 5000 }
          );
          return;
        }
        await f(t);
      };
    const hasTarget = () => currentTarget() !== null;

    app.commands.addCommand(CommandIDs.aiReview, {
      label: 'Review with CodePark',
      caption:
        'Findings from lint rules, metrics and history, shown in the editor and the CodePark panel',
      isEnabled: hasTarget,
      execute: withTarget(review, 'review')
    });
    app.commands.addCommand(CommandIDs.aiExplain, {
      label: 'Explain with CodePark',
      caption:
        'What the function or selection does, with facts from the repository',
      isEnabled: hasTarget,
      execute: withTarget(explain, 'explain')
    });
    app.commands.addCommand(CommandIDs.aiDocstring, {
      label: 'Add docstring',
      caption:
        'Write a docstring for the function at the cursor (one undoable edit)',
      isEnabled: hasTarget,
      execute: withTarget(addDocstring, 'docstring')
    });
    app.commands.addCommand(CommandIDs.aiInsights, {
      label: 'Generate repository insights with CodePark',
      execute: insights
    });
    app.commands.addCommand(CommandIDs.aiClearReview, {
      label: 'Clear CodePark review markers',
      execute: () => {
        for (const key of [...shown.keys()]) {
          clearMarkers(key);
        }
        model.setReview(null);
      }
    });

    const aiCommands = [
      CommandIDs.aiReview,
      CommandIDs.aiExplain,
      CommandIDs.aiDocstring
    ];
    aiCommands.forEach((command, i) => {
      app.contextMenu.addItem({
        command,
        selector: '.jp-FileEditor',
        rank: 70 + i
      });
      app.contextMenu.addItem({
        command,
        selector: '.jp-Notebook .jp-CodeCell',
        rank: 70 + i
      });
    });
    if (palette) {
      for (const command of [
        ...aiCommands,
        CommandIDs.aiInsights,
        CommandIDs.aiClearReview
      ]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
    }

    // -- the panel's sections ----------------------------------------------------------------

    if (panel) {
      panel.addSection({
        id: 'ai-review',
        label: 'AI review',
        render: () =>
          React.createElement(ReviewSection, {
            model,
            onOpen: (r, f) => void openFinding(r, f),
            onReview: () => void app.commands.execute(CommandIDs.aiReview)
          })
      });
      panel.addSection({
        id: 'ai-insights',
        label: 'AI insights',
        render: () =>
          React.createElement(InsightsSection, {
            model,
            rendermime,
            repo: () => panel.selectedRepo()?.path ?? null,
            onGenerate: () => void insights()
          })
      });
    }

    // -- inline completion (off by default; never with the offline engine) --------------------

    let provider: CodeParkInlineProvider | null = null;
    let toldNoModel = false;
    if (completions) {
      provider = new CodeParkInlineProvider({
        serverSettings,
        icon: codeparkIcon,
        enabled: () => settings.inlineCompletion,
        onError: error => {
          if (!toldNoModel) {
            toldNoModel = true;
            notifyError(error, 'inline completion');
          }
        }
      });
      completions.registerInlineProvider(provider);
    }

    if (settingRegistry) {
      settingRegistry
        .load(AI_PLUGIN_ID)
        .then(loaded => {
          const apply = () => {
            const before = settings.inlineCompletion;
            settings = {
              ...settings,
              ...(loaded.composite as Partial<IAISettings>)
            };
            if (settings.inlineCompletion && !before) {
              provider?.reset();
              toldNoModel = false;
            }
          };
          apply();
          loaded.changed.connect(apply);
        })
        .catch(reason => {
          console.warn('CodePark: AI settings could not be loaded.', reason);
        });
    }
  }
};
