/**
 * Pure state logic of the panel (no DOM, no network): job list merging, progress, ETA,
 * repository ordering, hotspot sorting and filtering, file lookup. Unit-tested in
 * labextension/test/state.test.ts.
 */
import { CodePark } from '../tokens';

const ACTIVE: ReadonlySet<CodePark.JobState> = new Set(['queued', 'running']);
/** Later states win over earlier ones when two reports of a job disagree. */
const STATE_RANK: Record<CodePark.JobState, number> = {
  queued: 0,
  running: 1,
  interrupted: 2,
  done: 3,
  failed: 3,
  cancelled: 3
};

export const isActive = (job: CodePark.IJob): boolean => ACTIVE.has(job.state);

/**
 * Merge one report of a job (a WebSocket event or a poll) into the list, newest first. A stale
 * report (an earlier state, or less progress in the same state) does not replace a newer one:
 * events and polls may arrive out of order.
 */
export function mergeJob(
  jobs: readonly CodePark.IJob[],
  job: CodePark.IJob
): CodePark.IJob[] {
  const i = jobs.findIndex(j => j.id === job.id);
  if (i < 0) {
    return sortJobs([...jobs, job]);
  }
  const old = jobs[i];
  const rankOld = STATE_RANK[old.state] ?? 0;
  const rankNew = STATE_RANK[job.state] ?? 0;
  const rerun = old.state === 'interrupted' && ACTIVE.has(job.state);
  if (
    !rerun &&
    (rankNew < rankOld ||
      (rankNew === rankOld &&
        old.state === job.state &&
        old.phase === job.phase &&
        job.done < old.done))
  ) {
    return [...jobs];
  }
  const next = [...jobs];
  next[i] = job;
  return next;
}

/** Merge a whole page of jobs (a poll). */
export function mergeJobs(
  jobs: readonly CodePark.IJob[],
  incoming: readonly CodePark.IJob[]
): CodePark.IJob[] {
  return incoming.reduce<CodePark.IJob[]>(
    (acc, job) => mergeJob(acc, job),
    [...jobs]
  );
}

export function sortJobs(jobs: CodePark.IJob[]): CodePark.IJob[] {
  return jobs.sort((a, b) => b.created_at - a.created_at);
}

/** What the progress bar shows for a job. */
export interface IProgress {
  /** 0..1, or null when the total is unknown (an indeterminate bar) */
  fraction: number | null;
  /** e.g. "Mining history (1/3)" */
  label: string;
  /** e.g. "120 / 800 commits" */
  detail: string;
  eta: string;
}

export const PHASE_LABELS: Record<string, string> = {
  mining: 'Mining history',
  metrics: 'Measuring code',
  aggregation: 'Aggregating'
};
const PHASE_UNITS: Record<string, string> = {
  mining: 'commits',
  metrics: 'files',
  aggregation: 'steps'
};

export function progressOf(job: CodePark.IJob): IProgress {
  if (job.state === 'queued') {
    return {
      fraction: null,
      label: 'Waiting in the queue',
      detail: '',
      eta: ''
    };
  }
  if (job.state === 'done') {
    return { fraction: 1, label: 'Done', detail: '', eta: '' };
  }
  const phase = job.phase ?? '';
  const index = job.phases.indexOf(phase);
  const label =
    (PHASE_LABELS[phase] ?? (phase || 'Starting')) +
    (index >= 0 && job.phases.length > 1
      ? ` (${index + 1}/${job.phases.length})`
      : '');
  const total = job.total ?? 0;
  const fraction =
    total > 0 ? Math.min(1, Math.max(0, job.done / total)) : null;
  const unit = PHASE_UNITS[phase] ?? '';
  const detail =
    total > 0
      ? `${job.done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} ${unit}`.trim()
      : job.done > 0
        ? `${job.done.toLocaleString('en-US')} ${unit}`.trim()
        : '';
  return { fraction, label, detail, eta: formatEta(job.eta_s) };
}

/** "about 5 s left", "about 3 min left", "about 1 h 20 min left"; '' when unknown. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '';
  }
  const s = Math.max(0, Math.round(seconds));
  if (s < 1) {
    return 'almost done';
  }
  if (s < 60) {
    return `about ${s} s left`;
  }
  if (s < 3600) {
    return `about ${Math.round(s / 60)} min left`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return m ? `about ${h} h ${m} min left` : `about ${h} h left`;
}

/** How long ago, for the job list: "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(epochS: number, nowMs = Date.now()): string {
  const s = Math.max(0, nowMs / 1000 - epochS);
  if (s < 60) {
    return 'just now';
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ago`;
  }
  if (s < 86400) {
    return `${Math.floor(s / 3600)} h ago`;
  }
  return `${Math.floor(s / 86400)} d ago`;
}

/** True when `folder` is `repo` or inside it (paths relative to the server root, '' = root). */
export function isInside(folder: string, repo: string): boolean {
  const f = folder.replace(/^\/+|\/+$/g, '');
  const r = repo.replace(/^\/+|\/+$/g, '');
  return r === '' || f === r || f.startsWith(`${r}/`);
}

/**
 * Repositories with the one containing `cwd` (the file browser's folder) first: the deepest
 * containing one wins; then repositories inside `cwd`, then the rest, each by path.
 */
export function orderRepos<T extends { path: string }>(
  repos: readonly T[],
  cwd: string
): T[] {
  const rank = (r: T): number =>
    isInside(cwd, r.path) ? 0 : isInside(r.path, cwd) ? 1 : 2;
  return [...repos].sort((a, b) => {
    const d = rank(a) - rank(b);
    if (d) {
      return d;
    }
    if (rank(a) === 0) {
      return b.path.length - a.path.length;
    }
    return a.path.localeCompare(b.path);
  });
}

/** The repository holding a server-root path and the path inside it, or null. */
export function locate<T extends { path: string }>(
  repos: readonly T[],
  path: string
): { repo: T; file: string } | null {
  const p = path.replace(/^\/+/, '');
  let best: T | null = null;
  for (const r of repos) {
    if (isInside(p, r.path) && p !== r.path) {
      if (!best || r.path.length > best.path.length) {
        best = r;
      }
    }
  }
  if (!best) {
    return null;
  }
  return { repo: best, file: best.path ? p.slice(best.path.length + 1) : p };
}

/** A path under the server root from a repository path and a file inside it. */
export function joinPath(repo: string, file: string): string {
  return repo ? `${repo.replace(/\/+$/, '')}/${file}` : file;
}

export type SortKey =
  | 'path'
  | 'hotspot_score'
  | 'revisions'
  | 'complexity'
  | 'loc'
  | 'authors'
  | 'age_days';

export interface ISort {
  key: SortKey;
  descending: boolean;
}

/** Sort files; missing values always last, ties by path. */
export function sortFiles(
  files: readonly CodePark.IFile[],
  sort: ISort
): CodePark.IFile[] {
  const dir = sort.descending ? -1 : 1;
  return [...files].sort((a, b) => {
    const va = a[sort.key] as string | number | null | undefined;
    const vb = b[sort.key] as string | number | null | undefined;
    const missA = va === null || va === undefined;
    const missB = vb === null || vb === undefined;
    if (missA || missB) {
      return missA === missB ? a.path.localeCompare(b.path) : missA ? 1 : -1;
    }
    const c =
      typeof va === 'string' || typeof vb === 'string'
        ? String(va).localeCompare(String(vb))
        : (va as number) - (vb as number);
    return c ? c * dir : a.path.localeCompare(b.path);
  });
}

/** Next sort after clicking a column: same column flips, a new one starts descending (path ascending). */
export function toggleSort(sort: ISort, key: SortKey): ISort {
  if (sort.key === key) {
    return { key, descending: !sort.descending };
  }
  return { key, descending: key !== 'path' };
}

/** Files in `folder` (and below); '' keeps all. */
export function filterByFolder(
  files: readonly CodePark.IFile[],
  folder: string
): CodePark.IFile[] {
  const f = folder.replace(/^\/+|\/+$/g, '');
  return f
    ? files.filter(x => isInside(x.path, f) && x.path !== f)
    : [...files];
}

/** Folders (every ancestor) of the given files, sorted, for the folder filter. */
export function foldersOf(files: readonly CodePark.IFile[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      out.add(parts.slice(0, i).join('/'));
    }
  }
  return [...out].sort();
}

/** The languages of a summary, largest first, as "python 12 · markdown 3". */
export function languageList(
  languages: { [name: string]: number },
  max = 4
): string {
  const entries = Object.entries(languages).sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0])
  );
  const shown = entries.slice(0, max).map(([k, v]) => `${k} ${v}`);
  if (entries.length > max) {
    shown.push(`+${entries.length - max} more`);
  }
  return shown.join(' · ');
}

/** Sparkline points (SVG polyline "x,y ...") of a series in a w×h box; nulls skipped. */
export function sparkline(
  values: readonly (number | null)[],
  width: number,
  height: number,
  pad = 2
): string {
  const pts = values
    .map((v, i) => [i, v] as [number, number | null])
    .filter(
      (p): p is [number, number] => p[1] !== null && Number.isFinite(p[1])
    );
  if (!pts.length) {
    return '';
  }
  const lo = Math.min(...pts.map(p => p[1]));
  const hi = Math.max(...pts.map(p => p[1]));
  const n = Math.max(1, values.length - 1);
  const x = (i: number) => pad + ((width - 2 * pad) * i) / n;
  const y = (v: number) =>
    hi === lo
      ? height / 2
      : height - pad - ((height - 2 * pad) * (v - lo)) / (hi - lo);
  return pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
}

/** Options of POST analyses from the settings' coupling thresholds. */
export function analysisOptions(s: {
  couplingMinRevisions: number;
  couplingMinShared: number;
  couplingMinDegree: number;
}): CodePark.IAnalysisOptions {
  return {
    coupling: {
      min_revisions: Math.max(1, Math.round(s.couplingMinRevisions)),
      min_shared: Math.max(1, Math.round(s.couplingMinShared)),
      min_degree: Math.max(0, Number(s.couplingMinDegree))
    }
  };
}
