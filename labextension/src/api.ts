import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from './request';
import { CodePark } from './tokens';

type Settings = ServerConnection.ISettings | undefined;

const q = (params: { [key: string]: string | number | undefined }): string => {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

/** A file path inside a repository, each segment escaped, '/' kept. */
const filePath = (path: string): string =>
  path.split('/').map(encodeURIComponent).join('/');

/** Typed functions, one per endpoint. */
export function getStatus(settings?: Settings): Promise<CodePark.IStatus> {
  return requestAPI<CodePark.IStatus>('status', {}, settings);
}

export function discoverRepos(
  settings?: Settings
): Promise<{ items: CodePark.IDiscovered[]; total: number }> {
  return requestAPI('repos/discover', {}, settings);
}

export function listJobs(
  settings?: Settings,
  limit = 50
): Promise<CodePark.IPage<CodePark.IJob>> {
  return requestAPI(`analyses${q({ limit })}`, {}, settings);
}

export function startAnalysis(
  path: string,
  options: CodePark.IAnalysisOptions,
  settings?: Settings
): Promise<CodePark.IJob> {
  return requestAPI(
    'analyses',
    { method: 'POST', body: JSON.stringify({ path, options }) },
    settings
  );
}

export function cancelJob(
  id: string,
  settings?: Settings
): Promise<CodePark.IJob> {
  return requestAPI(`analyses/${id}`, { method: 'DELETE' }, settings);
}

export function rerunJob(
  id: string,
  settings?: Settings
): Promise<CodePark.IJob> {
  return requestAPI(`analyses/${id}/rerun`, { method: 'POST' }, settings);
}

export function getSummary(
  repoId: number,
  settings?: Settings
): Promise<CodePark.ISummaryReply> {
  return requestAPI(`repos/${repoId}/summary`, {}, settings);
}

export function getHotspots(
  repoId: number,
  settings?: Settings,
  limit = 500
): Promise<CodePark.IPage<CodePark.IFile>> {
  return requestAPI(`repos/${repoId}/hotspots${q({ limit })}`, {}, settings);
}

export function getFiles(
  repoId: number,
  settings?: Settings,
  limit = 10000
): Promise<CodePark.IPage<CodePark.IFile>> {
  return requestAPI(`repos/${repoId}/files${q({ limit })}`, {}, settings);
}

export function getCoupling(
  repoId: number,
  file: string,
  settings?: Settings
): Promise<CodePark.IPage<CodePark.ICoupling>> {
  return requestAPI(
    `repos/${repoId}/coupling${q({ file, limit: 20 })}`,
    {},
    settings
  );
}

export function getFunctions(
  repoId: number,
  path: string,
  settings?: Settings
): Promise<CodePark.IFunctionsReply> {
  return requestAPI(
    `repos/${repoId}/files/${filePath(path)}/functions`,
    {},
    settings
  );
}

export function getTrend(
  repoId: number,
  path: string,
  settings?: Settings
): Promise<CodePark.ITrendReply> {
  return requestAPI(
    `repos/${repoId}/files/${filePath(path)}/trend`,
    {},
    settings
  );
}

export function getCity(
  repoId: number,
  height: string,
  color: string,
  settings?: Settings
): Promise<CodePark.ICityReply> {
  return requestAPI(
    `repos/${repoId}/city${q({ height, color })}`,
    {},
    settings
  );
}

/** Semantic search: the answer, or (while the index is built) its progress. */
export function searchCode(
  query: string,
  repo: number | string | undefined,
  settings?: Settings,
  limit = 10
): Promise<CodePark.ISearchAnswer | CodePark.ISearchBuild> {
  return requestAPI(`search${q({ q: query, repo, limit })}`, {}, settings);
}
