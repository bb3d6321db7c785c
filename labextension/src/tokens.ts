/** Wire types of the CodePark REST API (mirrors jupyter_codepark/openapi.yaml). */
export namespace CodePark {
  export interface IFeature {
    enabled: boolean;
    healthy: boolean;
    detail: string;
    [key: string]: unknown;
  }

  export interface IStatus {
    name: string;
    version: string;
    healthy: boolean;
    features: { [name: string]: IFeature };
  }
}

/** Command ids, one place. */
export namespace CommandIDs {
  export const openPanel = 'codepark:open-panel';
  export const refreshStatus = 'codepark:refresh-status';
}

/** Plugin id (also the settings schema id). */
export const PLUGIN_ID = 'jupyter-codepark:plugin';
