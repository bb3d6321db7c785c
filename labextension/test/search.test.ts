import { describe, expect, it } from 'vitest';

import { buildLabel, resultFiles, SearchModel } from '../src/panel/search';
import { CodeParkRequestError } from '../src/request';
import { CodePark } from '../src/tokens';

const fn = (
  path: string,
  name: string,
  score: number
): CodePark.ISearchFunction => ({
  kind: 'function',
  path,
  name,
  line: 1,
  end_line: 2,
  score
});

const answer = (
  functions: CodePark.ISearchFunction[],
  files: CodePark.ISearchFile[] = []
): CodePark.ISearchAnswer => ({
  state: 'ready',
  query: 'q',
  functions,
  files,
  commits: [],
  index: {
    chunks: 0,
    functions: 0,
    classes: 0,
    files: 0,
    commits: 0,
    model: 'm',
    head: 'h'
  },
  took_ms: 1,
  repo: { id: 1, path: '', name: 'r', head: 'h' }
});

describe('resultFiles', () => {
  it('keeps the distinct files of the best results, best first', () => {
    const a = answer([
      fn('a.py', 'x', 0.9),
      fn('a.py', 'y', 0.85),
      fn('b.py', 'z', 0.8),
      fn('c.py', 'w', 0.7),
      fn('d.py', 'v', 0.6)
    ]);
    expect(resultFiles(a)).toEqual(['a.py', 'b.py', 'c.py']);
    expect(resultFiles(a, 1)).toEqual(['a.py']);
  });

  it('ranks a file matched as a whole by its score', () => {
    const a = answer(
      [fn('a.py', 'x', 0.7)],
      [{ path: 'm.py', score: 0.8, name: null, line: null, matches: 1 }]
    );
    expect(resultFiles(a)).toEqual(['m.py', 'a.py']);
  });

  it('is empty for an empty answer', () => {
    expect(resultFiles(answer([]))).toEqual([]);
  });
});

describe('buildLabel', () => {
  it('says how far the index is and how long it may take', () => {
    expect(buildLabel({ done: 12, total: 3400, eta: 7.2 })).toBe(
      'Indexing 12 / 3,400 files and commits · about 8 s left'
    );
    expect(buildLabel({ done: 0, total: 10, eta: null })).toBe(
      'Indexing 0 / 10 files and commits'
    );
    expect(buildLabel({ done: 0, total: null, eta: null })).toBe(
      'Preparing the index'
    );
  });
});

describe('SearchModel', () => {
  const building = (done: number): CodePark.ISearchBuild => ({
    state: 'building',
    phase: 'indexing',
    done,
    total: 10,
    eta_s: null,
    repo: { id: 1, path: '', name: 'r', head: 'h' }
  });

  it('asks again while the index is built, showing the progress', async () => {
    const replies = [building(0), building(6), answer([fn('a.py', 'x', 0.9)])];
    const asked: string[] = [];
    const states: string[] = [];
    const model = new SearchModel(
      async q => {
        asked.push(q);
        return replies.shift()!;
      },
      async () => undefined
    );
    model.changed.connect((_, s) =>
      states.push(s.kind === 'building' ? `building ${s.done}` : s.kind)
    );
    await model.search('  where  ', 1);
    expect(asked).toEqual(['where', 'where', 'where']);
    expect(states).toEqual(['searching', 'building 0', 'building 6', 'ready']);
    expect(model.state.kind).toBe('ready');
  });

  it('lets a newer query replace an older one', async () => {
    let release: () => void = () => undefined;
    const model = new SearchModel(
      async q =>
        q === 'old'
          ? new Promise(resolve => {
              release = () => resolve(answer([fn('old.py', 'o', 0.5)]));
            })
          : answer([fn('new.py', 'n', 0.8)]),
      async () => undefined
    );
    const old = model.search('old', 1);
    await model.search('new', 1);
    release();
    await old;
    expect(model.state.kind).toBe('ready');
    const s = model.state as { kind: 'ready'; answer: CodePark.ISearchAnswer };
    expect(s.answer.functions[0].path).toBe('new.py');
  });

  it('shows the server error', async () => {
    const model = new SearchModel(
      async () => {
        throw new CodeParkRequestError(
          'install jupyter-codepark[search]',
          503,
          'search-unavailable'
        );
      },
      async () => undefined
    );
    await model.search('q', 1);
    expect(model.state).toEqual({
      kind: 'error',
      query: 'q',
      message: 'install jupyter-codepark[search]'
    });
  });
});
