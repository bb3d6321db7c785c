import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { CodeParkRequestError } from '../request';
import { CodePark, DEFAULT_SETTINGS, ICodeParkSettings } from '../tokens';
import { JobEvents } from './events';
import { stateFromError } from './model';
import {
  analysisOptions,
  filterByFolder,
  foldersOf,
  ISort,
  isActive,
  locate,
  mergeJob,
  mergeJobs,
  orderRepos,
  sortFiles
} from './state';

/** Results of the selected repository. */
export interface IResults {
  repoId: number;
  summary: CodePark.ISummaryReply | null;
  hotspots: CodePark.IFile[];
  error: string | null;
  loading: boolean;
}

/** Insight for the active document. */
export interface IInsight {
  /** path under the server root */
  path: string;
  kind: 'none' | 'loading' | 'outside' | 'ready' | 'error';
  repo?: CodePark.IDiscovered;
  /** path inside the repository */
  file?: string;
  record?: CodePark.IFile;
  functions?: CodePark.IFunction[];
  trend?: CodePark.ITrendPoint[] | null;
  coupling?: CodePark.ICoupling[];
  message?: string;
}

/** A readable message for a failed request, with what to do. */
export function messageOf(error: unknown): string {
  const state = stateFromError(error);
  return state.kind === 'loading' || state.kind === 'ready'
    ? ''
    : state.message;
}

/**
 * The panel's state: repositories under the root, jobs (live), the selected repository's
 * results, the folder filter and sort of the hotspots, and the active file's insight.
 */
export class AnalysisModel {
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted with a job that just finished successfully. */
  get jobDone(): ISignal<this, CodePark.IJob> {
    return this._jobDone;
  }

  settings: ICodeParkSettings = { ...DEFAULT_SETTINGS };
  repos: CodePark.IDiscovered[] = [];
  reposError: string | null = null;
  /** server-root path of the chosen repository ('' = the root) or a typed folder */
  selected: string | null = null;
  cwd = '';
  jobs: CodePark.IJob[] = [];
  /** an error of the last start / cancel / re-run, shown above the job list */
  actionError: string | null = null;
  results: IResults | null = null;
  folder = '';
  sort: ISort = { key: 'hotspot_score', descending: true };
  insight: IInsight = { path: '', kind: 'none' };

  /** Start listening to job events; returns when the first lists arrived. */
  async start(): Promise<void> {
    this.events?.dispose();
    this.events = new JobEvents(
      this.serverSettings,
      job => this.onJob(job),
      () => this.refreshJobs(),
      () => this.jobs.some(isActive)
    );
    await Promise.all([this.refreshRepos(), this.refreshJobs()]);
  }

  dispose(): void {
    this.events?.dispose();
    this.events = null;
  }

  setSettings(settings: ICodeParkSettings): void {
    this.settings = settings;
    this.emit();
  }

  setCwd(cwd: string): void {
    this.cwd = cwd;
    this.repos = orderRepos(this.repos, cwd);
    this.emit();
  }

  async refreshRepos(): Promise<void> {
    try {
      const reply = await api.discoverRepos(this.serverSettings);
      this.repos = orderRepos(reply.items, this.cwd);
      this.reposError = null;
      if (this.selected === null && this.repos.length) {
        this.select(this.repos[0].path);
      }
    } catch (error) {
      this.reposError = messageOf(error);
    }
    this.emit();
  }

  async refreshJobs(): Promise<void> {
    const page = await api.listJobs(this.serverSettings);
    const before = new Map(this.jobs.map(j => [j.id, j.state]));
    this.jobs = mergeJobs(this.jobs, page.items);
    for (const job of this.jobs) {
      const was = before.get(job.id);
      if (was && was !== 'done' && job.state === 'done') {
        this.finished(job);
      }
    }
    this.emit();
  }

  private onJob(job: CodePark.IJob): void {
    const old = this.jobs.find(j => j.id === job.id);
    this.jobs = mergeJob(this.jobs, job);
    const now = this.jobs.find(j => j.id === job.id);
    if (now?.state === 'done' && old?.state !== 'done') {
      this.finished(now);
    }
    this.emit();
  }

  private finished(job: CodePark.IJob): void {
    this._jobDone.emit(job);
    void this.refreshRepos().then(() => {
      const repo = this.repoAt(job.path ?? '');
      if (repo && repo.path === this.selected && repo.repo_id !== null) {
        void this.loadResults(repo.repo_id);
      }
      if (this.insight.path) {
        void this.loadInsight(this.insight.path);
      }
    });
  }

  /** The discovered repository at a server-root path, if any. */
  repoAt(path: string): CodePark.IDiscovered | undefined {
    return this.repos.find(r => r.path === path);
  }

  /** The job shown for the selected repository: its newest. */
  get currentJob(): CodePark.IJob | undefined {
    return this.jobs.find(j => j.path === this.selected);
  }

  select(path: string): void {
    this.selected = path;
    this.actionError = null;
    this.folder = '';
    const repo = this.repoAt(path);
    if (repo?.repo_id) {
      void this.loadResults(repo.repo_id);
    } else {
      this.results = null;
    }
    this.emit();
  }

  /** Analyse a folder (the selected one by default); errors land in `actionError`. */
  async analyse(path = this.selected ?? ''): Promise<CodePark.IJob | null> {
    if (path !== this.selected) {
      this.select(path);
    }
    this.actionError = null;
    this.emit();
    try {
      const job = await api.startAnalysis(
        path,
        analysisOptions(this.settings),
        this.serverSettings
      );
      this.onJob(job);
      return job;
    } catch (error) {
      const reason =
        error instanceof CodeParkRequestError ? error.reason : null;
      const hint =
        reason === 'not-a-git-repository'
          ? ' Choose a folder inside a git repository (or run `git init` and commit first).'
          : reason === 'empty-repository'
            ? ' Commit something first.'
            : reason === 'outside-root'
              ? ' Folders are relative to the server root and must stay inside it.'
              : '';
      this.actionError = `Cannot analyse ${path || 'the server root'}: ${messageOf(error)}${hint}`;
      this.emit();
      return null;
    }
  }

  async cancel(id: string): Promise<void> {
    await this.act(() => api.cancelJob(id, this.serverSettings));
  }

  async rerun(id: string): Promise<void> {
    await this.act(() => api.rerunJob(id, this.serverSettings));
  }

  private async act(call: () => Promise<CodePark.IJob>): Promise<void> {
    this.actionError = null;
    try {
      this.onJob(await call());
    } catch (error) {
      this.actionError = messageOf(error);
      this.emit();
    }
  }

  async loadResults(repoId: number): Promise<void> {
    this.results = {
      repoId,
      summary: this.results?.repoId === repoId ? this.results.summary : null,
      hotspots: this.results?.repoId === repoId ? this.results.hotspots : [],
      error: null,
      loading: true
    };
    this.emit();
    try {
      const [summary, hotspots] = await Promise.all([
        api.getSummary(repoId, this.serverSettings),
        api.getHotspots(repoId, this.serverSettings)
      ]);
      this.results = {
        repoId,
        summary,
        hotspots: hotspots.items,
        error: null,
        loading: false
      };
    } catch (error) {
      this.results = {
        repoId,
        summary: null,
        hotspots: [],
        error: messageOf(error),
        loading: false
      };
    }
    this.emit();
  }

  /** Hotspots filtered by the folder and sorted as chosen. */
  get shownHotspots(): CodePark.IFile[] {
    return sortFiles(
      filterByFolder(this.results?.hotspots ?? [], this.folder),
      this.sort
    );
  }

  get folders(): string[] {
    return foldersOf(this.results?.hotspots ?? []);
  }

  setFolder(folder: string): void {
    this.folder = folder;
    this.emit();
  }

  setSort(sort: ISort): void {
    this.sort = sort;
    this.emit();
  }

  /** The analysed repository holding a server-root path, and the path inside it. */
  locate(path: string): { repo: CodePark.IDiscovered; file: string } | null {
    return locate(
      this.repos.filter(r => r.repo_id !== null),
      path
    );
  }

  /** Load the insight of a document (server-root path; '' clears it). */
  async loadInsight(path: string): Promise<void> {
    if (!path) {
      this.insight = { path: '', kind: 'none' };
      this.emit();
      return;
    }
    const where = this.locate(path);
    if (!where || where.repo.repo_id === null) {
      const inRepo = locate(this.repos, path);
      this.insight = {
        path,
        kind: 'outside',
        repo: inRepo?.repo,
        message: inRepo
          ? `${inRepo.repo.name || 'This repository'} has not been analysed yet: press Analyse.`
          : 'This file is not in a git repository under the server root.'
      };
      this.emit();
      return;
    }
    const { repo, file } = where;
    const id = repo.repo_id as number;
    this.insight = { path, kind: 'loading', repo, file };
    this.emit();
    try {
      const [functions, coupling] = await Promise.all([
        api.getFunctions(id, file, this.serverSettings),
        api.getCoupling(id, file, this.serverSettings)
      ]);
      if (this.insight.path !== path) {
        return;
      }
      this.insight = {
        path,
        kind: 'ready',
        repo,
        file,
        record: functions.file,
        functions: functions.items,
        coupling: coupling.items,
        trend: null
      };
      this.emit();
    } catch (error) {
      if (this.insight.path !== path) {
        return;
      }
      const notInTree =
        error instanceof CodeParkRequestError && error.status === 404;
      this.insight = {
        path,
        kind: notInTree ? 'outside' : 'error',
        repo,
        file,
        message: notInTree
          ? `${file} is not in the analysed tree of ${repo.name} (new, ignored or binary): re-run the analysis after committing it.`
          : messageOf(error)
      };
      this.emit();
      return;
    }
    // the trend measures every version of the file: fetched after the rest is shown
    try {
      const trend = await api.getTrend(id, file, this.serverSettings);
      if (this.insight.path === path && this.insight.kind === 'ready') {
        this.insight = { ...this.insight, trend: trend.items };
        this.emit();
      }
    } catch {
      if (this.insight.path === path && this.insight.kind === 'ready') {
        this.insight = { ...this.insight, trend: [] };
        this.emit();
      }
    }
  }

  private emit(): void {
    this._changed.emit();
  }

  private events: JobEvents | null = null;
  private _changed = new Signal<this, void>(this);
  private _jobDone = new Signal<this, CodePark.IJob>(this);
}
