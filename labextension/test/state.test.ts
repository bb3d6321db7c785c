import { describe, expect, it } from 'vitest';

import {
  analysisOptions,
  filterByFolder,
  foldersOf,
  formatAgo,
  formatEta,
  isInside,
  languageList,
  locate,
  mergeJob,
  mergeJobs,
  orderRepos,
  progressOf,
  sortFiles,
  sparkline,
  toggleSort
} from '../src/panel/state';
import { CodePark } from '../src/tokens';

const job = (over: Partial<CodePark.IJob>): CodePark.IJob => ({
  id: 'a',
  path: 'repo',
  state: 'running',
  phase: 'mining',
  phases: ['mining', 'metrics', 'aggregation'],
  done: 0,
  total: 100,
  eta_s: null,
  error: null,
  created_at: 100,
  ...over
});

const file = (
  path: string,
  over: Partial<CodePark.IFile> = {}
): CodePark.IFile => ({
  path,
  language: 'python',
  revisions: 1,
  added: 1,
  deleted: 0,
  authors: 1,
  main_author: 'ann',
  ownership: 1,
  age_days: 1,
  loc: 10,
  complexity: 1,
  max_complexity: 1,
  maintainability: 50,
  hotspot_score: 0.1,
  error: null,
  ...over
});

describe('mergeJob (the progress reducer)', () => {
  it('adds new jobs newest first', () => {
    const jobs = mergeJob(
      [job({ id: 'old', created_at: 1 })],
      job({ id: 'new', created_at: 2 })
    );
    expect(jobs.map(j => j.id)).toEqual(['new', 'old']);
  });

  it('replaces a job with a later report', () => {
    const jobs = mergeJob([job({ done: 10 })], job({ done: 40, eta_s: 3 }));
    expect(jobs).toHaveLength(1);
    expect(jobs[0].done).toBe(40);
  });

  it('ignores a stale report arriving late (less progress, earlier state)', () => {
    let jobs = mergeJob([job({ done: 40 })], job({ done: 10 }));
    expect(jobs[0].done).toBe(40);
    jobs = mergeJob(
      [job({ state: 'done', done: 100 })],
      job({ state: 'running', done: 99 })
    );
    expect(jobs[0].state).toBe('done');
    jobs = mergeJob([job({ state: 'cancelled' })], job({ state: 'queued' }));
    expect(jobs[0].state).toBe('cancelled');
  });

  it('takes a new phase even when its count restarts', () => {
    const jobs = mergeJob(
      [job({ phase: 'mining', done: 90 })],
      job({ phase: 'metrics', done: 2 })
    );
    expect(jobs[0].phase).toBe('metrics');
  });

  it('merges a polled page without duplicates and does not mutate its input', () => {
    const before = [job({ id: 'x', created_at: 5, done: 5 })];
    const after = mergeJobs(before, [
      job({ id: 'x', created_at: 5, done: 6 }),
      job({ id: 'y', created_at: 9, state: 'interrupted' })
    ]);
    expect(after.map(j => [j.id, j.done])).toEqual([
      ['y', 0],
      ['x', 6]
    ]);
    expect(before[0].done).toBe(5);
  });
});

describe('progress and ETA', () => {
  it('describes phase, counts and ETA', () => {
    const p = progressOf(job({ done: 250, total: 1000, eta_s: 125 }));
    expect(p.fraction).toBe(0.25);
    expect(p.label).toBe('Mining history (1/3)');
    expect(p.detail).toBe('250 / 1,000 commits');
    expect(p.eta).toBe('about 2 min left');
  });

  it('is indeterminate without a total, and queued jobs wait', () => {
    expect(progressOf(job({ total: null, done: 3 })).fraction).toBeNull();
    expect(progressOf(job({ state: 'queued' })).label).toBe(
      'Waiting in the queue'
    );
    expect(progressOf(job({ state: 'done' })).fraction).toBe(1);
    expect(progressOf(job({ done: 500, total: 100 })).fraction).toBe(1);
  });

  it('formats ETAs', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(undefined)).toBe('');
    expect(formatEta(Number.NaN)).toBe('');
    expect(formatEta(0.2)).toBe('almost done');
    expect(formatEta(42)).toBe('about 42 s left');
    expect(formatEta(89)).toBe('about 1 min left');
    expect(formatEta(3600)).toBe('about 1 h left');
    expect(formatEta(3600 + 20 * 60)).toBe('about 1 h 20 min left');
  });

  it('formats ages', () => {
    const now = 1_000_000_000;
    expect(formatAgo(now / 1000 - 5, now)).toBe('just now');
    expect(formatAgo(now / 1000 - 300, now)).toBe('5 min ago');
    expect(formatAgo(now / 1000 - 7200, now)).toBe('2 h ago');
    expect(formatAgo(now / 1000 - 3 * 86400, now)).toBe('3 d ago');
  });
});

describe('repositories', () => {
  const repos = [
    { path: 'b' },
    { path: 'work/a' },
    { path: 'work' },
    { path: 'z/y' }
  ];

  it('puts the one holding the current folder first (the deepest)', () => {
    expect(orderRepos(repos, 'work/a/src').map(r => r.path)).toEqual([
      'work/a',
      'work',
      'b',
      'z/y'
    ]);
    expect(orderRepos(repos, 'z').map(r => r.path)[0]).toBe('z/y');
    expect(orderRepos(repos, '').map(r => r.path)).toEqual([
      'b',
      'work',
      'work/a',
      'z/y'
    ]);
  });

  it('locates a file in the deepest repository', () => {
    expect(locate(repos, 'work/a/src/x.py')).toEqual({
      repo: { path: 'work/a' },
      file: 'src/x.py'
    });
    expect(locate(repos, 'work/b.py')?.file).toBe('b.py');
    expect(locate(repos, 'elsewhere/x.py')).toBeNull();
    expect(locate([{ path: '' }], 'x/y.py')?.file).toBe('x/y.py');
  });

  it('knows what is inside what', () => {
    expect(isInside('a/b', 'a')).toBe(true);
    expect(isInside('ab', 'a')).toBe(false);
    expect(isInside('/a/', 'a')).toBe(true);
    expect(isInside('anything', '')).toBe(true);
  });
});

describe('hotspots: sorting and filtering', () => {
  const files = [
    file('app/core.py', { hotspot_score: 1, complexity: 10 }),
    file('lib/util.py', { hotspot_score: 0.3, complexity: null }),
    file('app/sub/x.py', { hotspot_score: 0.3, complexity: 2 }),
    file('README.md', { hotspot_score: 0.1, complexity: null })
  ];

  it('sorts descending with ties by path and missing values last', () => {
    const byScore = sortFiles(files, {
      key: 'hotspot_score',
      descending: true
    });
    expect(byScore.map(f => f.path)).toEqual([
      'app/core.py',
      'app/sub/x.py',
      'lib/util.py',
      'README.md'
    ]);
    const byCc = sortFiles(files, { key: 'complexity', descending: false });
    expect(byCc.map(f => f.path)).toEqual([
      'app/sub/x.py',
      'app/core.py',
      'lib/util.py',
      'README.md'
    ]);
    const byPath = sortFiles(files, { key: 'path', descending: false });
    expect(byPath[0].path).toBe('app/core.py');
  });

  it('toggles the sort of a column', () => {
    const s = toggleSort(
      { key: 'hotspot_score', descending: true },
      'hotspot_score'
    );
    expect(s).toEqual({ key: 'hotspot_score', descending: false });
    expect(toggleSort(s, 'path')).toEqual({ key: 'path', descending: false });
    expect(toggleSort(s, 'loc')).toEqual({ key: 'loc', descending: true });
  });

  it('filters by folder, subfolders included', () => {
    expect(filterByFolder(files, 'app').map(f => f.path)).toEqual([
      'app/core.py',
      'app/sub/x.py'
    ]);
    expect(filterByFolder(files, 'app/sub/')).toHaveLength(1);
    expect(filterByFolder(files, '')).toHaveLength(4);
    expect(filterByFolder(files, 'ap')).toHaveLength(0);
  });

  it('lists every folder', () => {
    expect(foldersOf(files)).toEqual(['app', 'app/sub', 'lib']);
  });
});

describe('small formatting helpers', () => {
  it('lists languages, largest first', () => {
    expect(
      languageList({ markdown: 1, python: 12, c: 1, go: 2, rust: 1 }, 3)
    ).toBe('python 12 · go 2 · c 1 · +2 more');
  });

  it('draws a sparkline inside its box, skipping missing values', () => {
    const pts = sparkline([1, null, 3], 100, 20, 0)
      .split(' ')
      .map(p => p.split(',').map(Number));
    expect(pts).toEqual([
      [0, 20],
      [100, 0]
    ]);
    expect(sparkline([], 10, 10)).toBe('');
    expect(sparkline([5, 5], 10, 10, 0)).toBe('0.0,5.0 10.0,5.0');
  });

  it('builds analysis options from the settings', () => {
    expect(
      analysisOptions({
        couplingMinRevisions: 0,
        couplingMinShared: 2.4,
        couplingMinDegree: 10
      })
    ).toEqual({
      coupling: { min_revisions: 1, min_shared: 2, min_degree: 10 }
    });
  });
});
