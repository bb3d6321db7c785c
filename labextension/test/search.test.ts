import { describe, expect, it } from 'vitest';

import { buildLabel, resultFiles } from '../src/panel/search';
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
