import { Token } from '@lumino/coreutils';
import type * as React from 'react';

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

  export type JobState =
    'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

  /** An analysis job (`GET analyses/{id}`, and the `analysis` of a WebSocket event). */
  export interface IJob {
    id: string;
    path: string | null;
    repo_id?: number | null;
    rev?: string;
    head?: string | null;
    options?: { [key: string]: unknown };
    state: JobState;
    phase: string | null;
    phases: string[];
    done: number;
    total: number | null;
    eta_s?: number | null;
    error: string | null;
    user?: string | null;
    created_at: number;
    started_at?: number | null;
    finished_at?: number | null;
  }

  export interface IPage<T> {
    items: T[];
    total: number;
    limit: number;
    offset: number;
  }

  /** A git repository found under the server root (`GET repos/discover`). */
  export interface IDiscovered {
    path: string;
    name: string;
    repo_id: number | null;
    analysed_at: number | null;
  }

  export interface ISummary {
    commits: number;
    merges: number;
    authors: number;
    files: number;
    loc: number;
    bus_factor: number;
    languages: { [language: string]: number };
    first_commit?: number | null;
    last_commit?: number | null;
    errors?: number;
  }

  export interface ISummaryReply {
    repository: { id: number; path: string; name: string; head?: string };
    analysed_at: number;
    mode?: string;
    summary: ISummary;
    options: { [key: string]: unknown };
  }

  /** One file of the analysed tree. */
  export interface IFile {
    path: string;
    folder?: string;
    language: string | null;
    revisions: number;
    added: number;
    deleted: number;
    churn?: number;
    authors: number;
    main_author: string | null;
    ownership: number | null;
    bus_factor?: number;
    bugfixes?: number;
    age_days: number | null;
    loc: number | null;
    complexity: number | null;
    max_complexity: number | null;
    maintainability: number | null;
    hotspot_score: number;
    error: string | null;
    [key: string]: unknown;
  }

  export interface ICoupling {
    a: string;
    b: string;
    file?: string;
    shared: number;
    degree: number;
  }

  export interface IFunction {
    path: string;
    name: string;
    lineno: number;
    complexity: number;
  }

  export interface IFunctionsReply {
    file: IFile;
    items: IFunction[];
    total: number;
  }

  export interface ITrendPoint {
    sha: string;
    time: number;
    author: string;
    subject?: string;
    path: string;
    loc: number | null;
    complexity: number | null;
    maintainability: number | null;
  }

  export interface ITrendReply {
    path: string;
    items: ITrendPoint[];
    total: number;
  }

  /** `GET repos/{id}/city`: the CodeCity widget's synced state, binary traits in base64. */
  export interface ICityReply {
    state: { [trait: string]: unknown };
    binary: string[];
    paths: number;
  }

  export interface IAnalysisOptions {
    coupling?: {
      min_revisions?: number;
      min_shared?: number;
      min_degree?: number;
    };
    [key: string]: unknown;
  }

  /** A WebSocket event of `codepark/api/events`. */
  export type Event =
    | { type: 'hello'; subscribers?: number }
    | { type: 'analysis'; analysis: IJob }
    | { type: 'pong' }
    | { type: string; [key: string]: unknown };
}

/** The extension's settings (labextension/schema/plugin.json). */
export interface ICodeParkSettings {
  defaultMetric: string;
  colorMetric: string;
  autoRefresh: boolean;
  couplingMinRevisions: number;
  couplingMinShared: number;
  couplingMinDegree: number;
}

export const DEFAULT_SETTINGS: ICodeParkSettings = {
  defaultMetric: 'hotspot_score',
  colorMetric: 'complexity',
  autoRefresh: false,
  couplingMinRevisions: 5,
  couplingMinShared: 5,
  couplingMinDegree: 30
};

/** Command ids, one place. */
export namespace CommandIDs {
  export const openPanel = 'codepark:open-panel';
  export const refreshStatus = 'codepark:refresh-status';
  export const analyzeRepo = 'codepark:analyze-repo';
  export const cancelAnalysis = 'codepark:cancel-analysis';
  export const openCity = 'codepark:open-city';
  export const showInCity = 'codepark:show-in-city';
  export const openHotspot = 'codepark:open-hotspot';
  export const aiReview = 'codepark:ai-review';
  export const aiExplain = 'codepark:ai-explain';
  export const aiDocstring = 'codepark:ai-docstring';
  export const aiInsights = 'codepark:ai-insights';
  export const aiClearReview = 'codepark:ai-clear-review';
}

/** Plugin id (also the settings schema id). */
export const PLUGIN_ID = 'jupyter-codepark:plugin';

/** A section another plugin adds to the CodePark panel (after "Active file"). */
export interface IPanelSection {
  /** DOM id suffix and React key. */
  id: string;
  /** Heading (also the section's accessible name). */
  label: string;
  /** The section's content; it re-renders itself on its own signals. */
  render: () => React.ReactElement;
}

/** The CodePark left-sidebar panel, for plugins that add to it. */
export interface ICodeParkPanel {
  readonly id: string;
  /** Add a section below the built-in ones. */
  addSection(section: IPanelSection): void;
  /** The repository chosen in the panel (a server-root path), if any. */
  selectedRepo(): CodePark.IDiscovered | null;
}

export const ICodeParkPanel = new Token<ICodeParkPanel>(
  'jupyter-codepark:ICodeParkPanel',
  'The CodePark panel: add sections, read the chosen repository.'
);

/** Wire types of semantic search (`GET search`, `GET|POST search/index`). */
export namespace CodePark {
  export interface ISearchRepo {
    id: number;
    /** the repository's folder under the server root ('' = the root) */
    path: string;
    name: string;
    head: string;
  }

  export interface ISearchIndex {
    chunks: number;
    functions: number;
    classes: number;
    files: number;
    commits: number;
    model: string;
    head: string;
  }

  /** A function, method or class (path relative to the repository). */
  export interface ISearchFunction {
    kind: 'function' | 'method' | 'class';
    path: string;
    name: string;
    line: number;
    end_line: number;
    score: number;
  }

  export interface ISearchFile {
    path: string;
    score: number;
    name: string | null;
    line: number | null;
    matches: number;
  }

  export interface ISearchCommit {
    sha: string;
    subject: string;
    author: string;
    time: number;
    score: number;
  }

  /** 202: the index is being built. */
  export interface ISearchBuild {
    state: 'building';
    phase: string;
    done: number;
    total: number | null;
    eta_s?: number | null;
    repo: ISearchRepo;
  }

  /** 200: the answer. */
  export interface ISearchAnswer {
    state: 'ready';
    query: string;
    functions: ISearchFunction[];
    files: ISearchFile[];
    commits: ISearchCommit[];
    index: ISearchIndex;
    took_ms: number;
    repo: ISearchRepo;
  }
}
