import { describe, expect, it } from 'vitest';

import { featureRows, StatusModel, stateFromError } from '../src/panel/model';
import { CodeParkRequestError } from '../src/request';
import { CodePark } from '../src/tokens';

const status: CodePark.IStatus = {
  name: 'jupyter-codepark',
  version: '1.2.3',
  healthy: false,
  features: {
    store: { enabled: true, healthy: false, detail: 'unreachable' },
    ai: { enabled: true, healthy: true, detail: 'offline engine' },
    custom: { enabled: false, healthy: false, detail: 'off' }
  }
};

describe('stateFromError', () => {
  it('says the server extension is missing on a bare 404', () => {
    const state = stateFromError(
      new CodeParkRequestError('Not Found', 404, null)
    );
    expect(state.kind).toBe('missing');
    expect(state.kind === 'missing' && state.message).toContain(
      'pip install jupyter-codepark'
    );
  });

  it('keeps the server message for a CodePark error', () => {
    const state = stateFromError(
      new CodeParkRequestError(
        'not a git repository',
        400,
        'not-a-git-repository'
      )
    );
    expect(state).toEqual({ kind: 'error', message: 'not a git repository' });
  });

  it('a 404 that CodePark explained is an error, not a missing extension', () => {
    const state = stateFromError(
      new CodeParkRequestError('no such job', 404, 'not-found')
    );
    expect(state.kind).toBe('error');
  });
});

describe('featureRows', () => {
  it('labels known features and keeps unknown ones by name', () => {
    const rows = featureRows(status);
    expect(rows.map(r => r.label)).toEqual(['Store', 'AI help', 'custom']);
    expect(rows[0]).toMatchObject({
      healthy: false,
      enabled: true,
      detail: 'unreachable'
    });
  });
});

describe('StatusModel', () => {
  it('goes loading -> ready and signals each change', async () => {
    const model = new StatusModel(async () => status);
    const seen: string[] = [];
    model.changed.connect((_, s) => seen.push(s.kind));
    const final = await model.refresh();
    expect(seen).toEqual(['loading', 'ready']);
    expect(final.kind).toBe('ready');
    expect(model.state).toEqual({ kind: 'ready', status });
  });

  it('turns a failure into an error state', async () => {
    const model = new StatusModel(async () => {
      throw new CodeParkRequestError('Forbidden', 403, null);
    });
    const final = await model.refresh();
    expect(final).toEqual({ kind: 'error', message: 'Forbidden' });
  });
});
