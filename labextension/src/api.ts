import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from './request';
import { CodePark } from './tokens';

/** Typed functions, one per endpoint. */
export function getStatus(
  settings?: ServerConnection.ISettings
): Promise<CodePark.IStatus> {
  return requestAPI<CodePark.IStatus>('status', {}, settings);
}
