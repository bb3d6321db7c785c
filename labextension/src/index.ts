import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { getStatus } from './api';
import { codeparkIcon } from './icons';
import { StatusModel } from './panel/model';
import { CodeParkPanel } from './panel/widget';
import { CommandIDs, PLUGIN_ID } from './tokens';

const PALETTE_CATEGORY = 'CodePark';

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'CodePark: understand a codebase, see it, work on it together.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const serverSettings = app.serviceManager.serverSettings;
    const model = new StatusModel(() => getStatus(serverSettings));
    const panel = new CodeParkPanel(model);
    app.shell.add(panel, 'left', { rank: 700 });
    if (restorer) {
      restorer.add(panel, 'codepark-panel');
    }

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
      execute: () => model.refresh()
    });
    if (palette) {
      for (const command of [CommandIDs.openPanel, CommandIDs.refreshStatus]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
    }
    if (settingRegistry) {
      settingRegistry.load(plugin.id).catch(reason => {
        console.warn('CodePark: settings could not be loaded.', reason);
      });
    }
    void model.refresh();
  }
};

export default plugin;
