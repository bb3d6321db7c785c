import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** Namespace of every CodePark route, under the server's base URL. */
export const NAMESPACE = 'codepark';

/** An error answered by the CodePark server (its `{message, reason}` body) or by the network. */
export class CodeParkRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string | null
  ) {
    super(message);
    this.name = 'CodeParkRequestError';
  }

  /** True when the server answered 404 for the API itself: the server extension is missing. */
  get extensionMissing(): boolean {
    return this.status === 404 && this.reason === null;
  }
}

/**
 * Call the CodePark REST API: the one request seam of the front end.
 *
 * @param endPoint path under `<base_url>/codepark/api/`
 * @param init fetch options
 * @param settings server connection settings (JupyterLab's, so base URL and token are right)
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, NAMESPACE, 'api', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new CodeParkRequestError(
      `Cannot reach the Jupyter server: ${String(error)}`,
      0,
      'network'
    );
  }
  const text = await response.text();
  let data: any = text;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const body = typeof data === 'object' && data !== null ? data : {};
    const message =
      typeof body.message === 'string' && body.message
        ? body.message
        : `${response.status} ${response.statusText}`;
    throw new CodeParkRequestError(
      message,
      response.status,
      typeof body.reason === 'string' ? body.reason : null
    );
  }
  return data as T;
}
