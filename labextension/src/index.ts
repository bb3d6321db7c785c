import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Poll } from '@lumino/polling';
import { Widget } from '@lumino/widgets';

import * as api from './api';
import { codeparkIcon } from './icons';
import { AnalysisModel } from './panel/analysis';
import { StatusModel } from './panel/model';
import { analysisOptions, joinPath } from './panel/state';
import { CodeParkPanel } from './panel/widget';
import {
  CodePark,
  CommandIDs,
  DEFAULT_SETTINGS,
  ICodeParkPanel,
  ICodeParkSettings,
  PLUGIN_ID
} from './tokens';
import { CityWidget } from './widgets/city';
import { collabPlugin } from './collab/plugin';
import { aiPlugin } from './ai/plugin';

const PALETTE_CATEGORY = 'CodePark';
const AUTO_REFRESH_MS = 60_000;

/** The server-root path of the document a main-area widget shows, if any. */
function documentPath(widget: Widget | null): string | null {
  const context = (widget as any)?.context;
  return context && typeof context.path === 'string' ? context.path : null;
}

const plugin: JupyterFrontEndPlugin<ICodeParkPanel> = {
  id: PLUGIN_ID,
  provides: ICodeParkPanel,
  description: 'CodePark: understand a codebase, see it, work on it together.',
  autoStart: true,
  optional: [
    ICommandPalette,
    ILayoutRestorer,
    ISettingRegistry,
    ILabShell,
    IDefaultFileBrowser,
    IDocumentManager
  ],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    labShell: ILabShell | null,
    browser: IDefaultFileBrowser | null,
    docManager: IDocumentManager | null
  ) => {
    const serverSettings = app.serviceManager.serverSettings;
    const status = new StatusModel(() => api.getStatus(serverSettings));
    const model = new AnalysisModel(serverSettings);
    let settings: ISettingRegistry.ISettings | null = null;

    /** Open a server-root path; for a text file, put the cursor on `line` (1-based). */
    const openFile = async (path: string, line?: number): Promise<void> => {
      const widget = docManager
        ? docManager.openOrReveal(path)
        : ((await app.commands.execute('docmanager:open', { path })) as any);
      if (!widget || !line) {
        return;
      }
      await widget.context?.ready;
      await widget.revealed;
      const editor = (widget.content as any)?.editor;
      if (editor?.setCursorPosition) {
        const position = { line: Math.max(0, line - 1), column: 0 };
        editor.setCursorPosition(position);
        editor.revealPosition?.(position);
        editor.focus?.();
      }
    };

    const openHotspot = async (repoPath: string, file: CodePark.IFile) => {
      const repo = model.repoAt(repoPath);
      let line: number | undefined;
      if (repo?.repo_id) {
        try {
          const fns = await api.getFunctions(
            repo.repo_id,
            file.path,
            serverSettings
          );
          line = fns.items[0]?.lineno; // most complex first
        } catch {
          line = undefined;
        }
      }
      await openFile(joinPath(repoPath, file.path), line);
    };

    const cities = new Map<number, CityWidget>();
    const openCity = async (repoPath: string): Promise<CityWidget | null> => {
      const repo = model.repoAt(repoPath);
      if (!repo || repo.repo_id === null) {
        return null;
      }
      const id = repo.repo_id;
      let city = cities.get(id);
      if (!city || city.isDisposed) {
        city = new CityWidget({
          repoId: id,
          repoPath: repo.path,
          name: repo.name,
          height: model.settings.defaultMetric,
          color: model.settings.colorMetric,
          serverSettings,
          onOpen: file => void openFile(joinPath(repo.path, file))
        });
        cities.set(id, city);
        app.shell.add(city, 'main');
      }
      app.shell.activateById(city.id);
      await city.ready;
      return city;
    };

    const updateSettings = (patch: Partial<ICodeParkSettings>) => {
      model.setSettings({ ...model.settings, ...patch });
      if (settings) {
        for (const [key, value] of Object.entries(patch)) {
          void settings.set(key, value as any).catch(reason => {
            console.warn('CodePark: a setting could not be saved.', reason);
          });
        }
      }
    };

    const panel = new CodeParkPanel(status, model, {
      openHotspot: (repoPath, file) => void openHotspot(repoPath, file),
      openFile: path => void openFile(path),
      openCity: () => void openCity(model.selected ?? ''),
      updateSettings,
      openFileAt: (path, line) => void openFile(path, line),
      showOnCity: (repoPath, files) =>
        void openCity(repoPath).then(city => city?.highlightFiles(files))
    });
    app.shell.add(panel, 'left', { rank: 700 });
    if (restorer) {
      restorer.add(panel, 'codepark-panel');
    }

    /** The folder a file-browser item stands for (a file: its folder). */
    const browserFolder = (): string | null => {
      const item = browser?.selectedItems().next();
      if (!item || item.done || !item.value) {
        return browser ? browser.model.path : null;
      }
      const v = item.value;
      return v.type === 'directory' ? v.path : PathExt.dirname(v.path);
    };
    const browserFile = (): string | null => {
      const item = browser?.selectedItems().next();
      return item && !item.done && item.value ? item.value.path : null;
    };

    app.commands.addCommand(CommandIDs.openPanel, {
      label: 'Open the CodePark panel',
      caption: 'Show CodePark in the left sidebar',
      icon: codeparkIcon,
      execute: () => {
        app.shell.activateById(panel.id);
      }
    });
    app.commands.addCommand(CommandIDs.refreshStatus, {
      label: 'Refresh CodePark server status',
      execute: () => status.refresh()
    });
    app.commands.addCommand(CommandIDs.analyzeRepo, {
      label: args =>
        args.fromBrowser
          ? 'Analyse with CodePark'
          : 'Analyse the repository with CodePark',
      caption: 'Mine the history and measure the code of a git repository',
      icon: args => (args.fromBrowser ? codeparkIcon : undefined),
      execute: async args => {
        const path =
          typeof args.path === 'string'
            ? args.path
            : args.fromBrowser
              ? browserFolder()
              : model.selected;
        app.shell.activateById(panel.id);
        return model.analyse(path ?? '');
      }
    });
    app.commands.addCommand(CommandIDs.cancelAnalysis, {
      label: 'Cancel the running CodePark analysis',
      isEnabled: () =>
        Boolean(
          model.currentJob &&
          ['queued', 'running'].includes(model.currentJob.state)
        ),
      execute: () => {
        const job = model.currentJob;
        return job ? model.cancel(job.id) : undefined;
      }
    });
    app.commands.addCommand(CommandIDs.openCity, {
      label: 'Open the 3D code city',
      caption: 'Show the analysed repository as a 3D city in the main area',
      icon: codeparkIcon,
      isEnabled: () => Boolean(model.repos.some(r => r.repo_id !== null)),
      execute: async args => {
        const path = typeof args.path === 'string' ? args.path : model.selected;
        const repo =
          (path !== null && model.repoAt(path)?.repo_id ? path : null) ??
          model.repos.find(r => r.repo_id !== null)?.path;
        return repo === undefined ? null : openCity(repo);
      }
    });
    app.commands.addCommand(CommandIDs.showInCity, {
      label: 'Show in code city',
      caption: 'Open the 3D city of the repository with this file selected',
      icon: codeparkIcon,
      execute: async args => {
        const path =
          typeof args.path === 'string'
            ? args.path
            : args.fromBrowser
              ? browserFile()
              : documentPath(app.shell.currentWidget);
        const where = path ? model.locate(path) : null;
        if (!path || !where) {
          model.actionError = `${path ?? 'This file'} is not in an analysed repository: analyse it first.`;
          app.shell.activateById(panel.id);
          await model.refreshRepos();
          return null;
        }
        const city = await openCity(where.repo.path);
        city?.selectFile(where.file);
        return city;
      }
    });

    if (palette) {
      for (const command of [
        CommandIDs.openPanel,
        CommandIDs.refreshStatus,
        CommandIDs.analyzeRepo,
        CommandIDs.cancelAnalysis,
        CommandIDs.openCity,
        CommandIDs.showInCity
      ]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
    }
    app.contextMenu.addItem({
      command: CommandIDs.analyzeRepo,
      args: { fromBrowser: true },
      selector: '.jp-DirListing-item[data-isdir]',
      rank: 60
    });
    app.contextMenu.addItem({
      command: CommandIDs.showInCity,
      args: { fromBrowser: true },
      selector: '.jp-DirListing-item[data-isdir="false"]',
      rank: 61
    });

    // the active document's insight
    if (labShell) {
      labShell.currentChanged.connect((_, change) => {
        const path = documentPath(change.newValue);
        if (path !== null && path !== model.insight.path) {
          void model.loadInsight(path);
        }
      });
    }
    // the file browser's folder decides which repository comes first
    if (browser) {
      model.setCwd(browser.model.path);
      browser.model.pathChanged.connect((_, change) =>
        model.setCwd(change.newValue)
      );
    }

    // re-analyse on new commits: the server answers with the existing job when HEAD is unchanged
    const autoRefresh = new Poll({
      factory: async () => {
        const repo =
          model.selected !== null ? model.repoAt(model.selected) : undefined;
        const job = model.currentJob;
        if (
          !model.settings.autoRefresh ||
          !repo?.repo_id ||
          (job && ['queued', 'running'].includes(job.state))
        ) {
          return;
        }
        const next = await api.startAnalysis(
          repo.path,
          analysisOptions(model.settings),
          serverSettings
        );
        if (next.state !== 'done') {
          await model.refreshJobs();
        }
      },
      frequency: {
        interval: AUTO_REFRESH_MS,
        backoff: true,
        max: 10 * AUTO_REFRESH_MS
      },
      standby: 'when-hidden',
      name: 'codepark:auto-refresh'
    });

    if (settingRegistry) {
      settingRegistry
        .load(plugin.id)
        .then(loaded => {
          settings = loaded;
          const apply = () => {
            const c = loaded.composite as Partial<ICodeParkSettings>;
            model.setSettings({ ...DEFAULT_SETTINGS, ...c });
          };
          apply();
          loaded.changed.connect(apply);
        })
        .catch(reason => {
          console.warn('CodePark: settings could not be loaded.', reason);
        });
    }
    // start listening to jobs once the server extension answers (also after a Retry)
    let started = false;
    const startWhenReady = () => {
      if (!started && status.state.kind === 'ready') {
        started = true;
        void model.start().catch(() => undefined);
      }
    };
    status.changed.connect(startWhenReady);
    void status.refresh();
    app.restored.then(() => {
      const path = documentPath(app.shell.currentWidget);
      if (path) {
        void model.loadInsight(path);
      }
    });
    void autoRefresh;
    return panel;
  }
};

export default [plugin, collabPlugin, aiPlugin];
