import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ServerConnection } from '@jupyterlab/services';

import { ICodeParkPanel } from '../tokens';
import { ask, stream } from './api';
import { errorMessage } from './errors';
import { ExplainView } from './explain';
import { findingsOfCell } from './logic';
import { ReviewMarkers } from './markers';
import { AIModel } from './model';
import { applyEditOnce, ITarget, requestOf, saveNotebook } from './target';
import { AI } from './types';

/** What the actions need from the application. */
export interface IActionsOptions {
  app: JupyterFrontEnd;
  model: AIModel;
  markers: ReviewMarkers;
  rendermime: IRenderMimeRegistry | null;
  panel: ICodeParkPanel | null;
  serverSettings: ServerConnection.ISettings;
  docstringStyle: () => 'server' | 'numpy' | 'google';
}

/** A failed request as a JupyterLab notification that says what happened. */
export function notifyError(error: unknown, action: string): void {
  Notification.error(errorMessage(error, action), { autoClose: 10000 });
}

/** What the AI commands and the panel's sections do. */
export class AIActions {
  constructor(private readonly o: IActionsOptions) {}

  readonly review = async (t: ITarget) => {
    const { app, model, markers, panel, serverSettings } = this.o;
    await saveNotebook(t);
    const req = requestOf(t, false);
    model.setReviewing(t.path);
    try {
      const answer = await ask('review', req, serverSettings);
      const findings = answer.findings ?? [];
      const mine =
        t.cell !== undefined ? findingsOfCell(findings, t.cell) : findings;
      markers.show(t, mine);
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

  readonly openFinding = async (
    r: { path: string; notebook: boolean },
    f: AI.IFinding
  ) => {
    const { app } = this.o;
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

  readonly explain = async (t: ITarget) => {
    const { app, rendermime, serverSettings } = this.o;
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

  readonly addDocstring = async (t: ITarget) => {
    const { serverSettings } = this.o;
    await saveNotebook(t);
    const req = requestOf(t, true);
    if (!req.line && !req.function) {
      req.line = t.editor.getCursorPosition().line + 1;
    }
    req.end_line = undefined;
    const style = this.o.docstringStyle();
    if (style !== 'server') {
      req.style = style;
    }
    try {
      const answer = await ask('docstring', req, serverSettings);
      const edit = answer.edit;
      if (!edit) {
        throw new Error('the answer carries no edit');
      }
      if (!applyEditOnce(t.shared, req.source, edit)) {
        Notification.warning(
          'CodePark: the text changed while the docstring was written; nothing was applied. Try again.',
          { autoClose: 8000 }
        );
        return;
      }
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

  readonly insights = async () => {
    const { model, panel, serverSettings } = this.o;
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
}
