import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { ICompletionProviderManager } from '@jupyterlab/completer';
import { IEditorTracker } from '@jupyterlab/fileeditor';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import * as React from 'react';

import { codeparkIcon } from '../icons';
import { CommandIDs, ICodeParkPanel } from '../tokens';
import { CodeParkInlineProvider } from './completion';
import { InsightsSection, ReviewSection } from './components';
import { AIActions, notifyError } from './actions';
import { ReviewMarkers } from './markers';
import { AIModel } from './model';
import { currentTarget, ITarget } from './target';

export const AI_PLUGIN_ID = 'jupyter-codepark:ai';
const PALETTE_CATEGORY = 'CodePark';

/** The settings of this plugin (labextension/schema/ai.json). */
interface IAISettings {
  inlineCompletion: boolean;
  docstringStyle: 'server' | 'numpy' | 'google';
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

    const markers = new ReviewMarkers((path, cell) =>
      model.markStale(path, cell)
    );
    const target = () =>
      currentTarget(app.shell.currentWidget, editors, notebooks);

    const actions = new AIActions({
      app,
      model,
      markers,
      rendermime,
      panel,
      serverSettings,
      docstringStyle: () => settings.docstringStyle
    });

    // -- commands --------------------------------------------------------------------------

    const withTarget =
      (f: (t: ITarget) => Promise<void>, action: string) => async () => {
        const t = target();
        if (!t) {
          Notification.warning(
            `CodePark ${action}: open a file or select a notebook code cell first.`,
            { autoClose: 5000 }
          );
          return;
        }
        await f(t);
      };
    const hasTarget = () => target() !== null;

    app.commands.addCommand(CommandIDs.aiReview, {
      label: 'Review with CodePark',
      caption:
        'Findings from lint rules, metrics and history, shown in the editor and the CodePark panel',
      isEnabled: hasTarget,
      execute: withTarget(actions.review, 'review')
    });
    app.commands.addCommand(CommandIDs.aiExplain, {
      label: 'Explain with CodePark',
      caption:
        'What the function or selection does, with facts from the repository',
      isEnabled: hasTarget,
      execute: withTarget(actions.explain, 'explain')
    });
    app.commands.addCommand(CommandIDs.aiDocstring, {
      label: 'Add docstring',
      caption:
        'Write a docstring for the function at the cursor (one undoable edit)',
      isEnabled: hasTarget,
      execute: withTarget(actions.addDocstring, 'docstring')
    });
    app.commands.addCommand(CommandIDs.aiInsights, {
      label: 'Generate repository insights with CodePark',
      execute: actions.insights
    });
    app.commands.addCommand(CommandIDs.aiClearReview, {
      label: 'Clear CodePark review markers',
      execute: () => {
        markers.clearAll();
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
            onOpen: (r, f) => void actions.openFinding(r, f),
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
            onGenerate: () => void actions.insights()
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
