import * as React from 'react';

import {
  buildLabel,
  resultFiles,
  SearchModel,
  SearchState
} from '../panel/search';
import { joinPath } from '../panel/state';
import { CodePark } from '../tokens';

function useSearchState(model: SearchModel): SearchState {
  const [state, setState] = React.useState<SearchState>(model.state);
  React.useEffect(() => {
    const onChange = (_: SearchModel, next: SearchState) => setState(next);
    model.changed.connect(onChange);
    setState(model.state);
    return () => {
      model.changed.disconnect(onChange);
    };
  }, [model]);
  return state;
}

const score = (s: number) => s.toFixed(2);
const shortDate = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

function FunctionHit({
  hit,
  onOpen
}: {
  hit: CodePark.ISearchFunction;
  onOpen: () => void;
}): JSX.Element {
  return (
    <li className="jp-CodePark-searchHit">
      <button
        className="jp-CodePark-link"
        onClick={onOpen}
        title={`Open ${hit.path} at line ${hit.line}`}
      >
        <span className="jp-CodePark-searchName">{hit.name}</span>
        <span className="jp-CodePark-muted">
          {' '}
          {hit.kind} · {hit.path}:{hit.line}–{hit.end_line}
        </span>
      </button>
      <span className="jp-CodePark-searchScore" title="cosine similarity">
        {score(hit.score)}
      </span>
    </li>
  );
}

/**
 * Semantic code search of the selected repository: a question in plain words; the nearest
 * functions (click: open the file at the function), commits, and "Show on city", which lights
 * the files of the results up in the 3D city.
 */
export function SearchView({
  model,
  repo,
  onOpen,
  onShowOnCity
}: {
  model: SearchModel;
  repo: CodePark.IDiscovered | undefined;
  onOpen: (path: string, line: number | undefined) => void;
  onShowOnCity: (repoPath: string, files: string[]) => void;
}): JSX.Element {
  const state = useSearchState(model);
  const [query, setQuery] = React.useState('');
  const analysed = Boolean(repo && repo.repo_id !== null);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (repo && repo.repo_id !== null) {
      void model.search(query, repo.repo_id);
    }
  };
  const answer = state.kind === 'ready' ? state.answer : null;
  const files = answer ? resultFiles(answer) : [];
  return (
    <div className="jp-CodePark-search">
      <form className="jp-CodePark-searchForm" onSubmit={submit} role="search">
        <input
          className="jp-mod-styled jp-CodePark-searchInput"
          type="search"
          placeholder={
            analysed
              ? 'Where do we check login credentials?'
              : 'Analyse the repository to search it'
          }
          aria-label="Search the code by meaning"
          value={query}
          disabled={!analysed}
          onChange={e => setQuery(e.target.value)}
        />
        <button
          className="jp-mod-styled jp-mod-accept"
          type="submit"
          disabled={!analysed || !query.trim()}
        >
          Search
        </button>
      </form>
      {state.kind === 'searching' ? (
        <p className="jp-CodePark-muted">Searching…</p>
      ) : state.kind === 'building' ? (
        <div className="jp-CodePark-searchBuilding" aria-live="polite">
          <progress
            max={state.total ?? undefined}
            value={state.total === null ? undefined : state.done}
          />
          <p className="jp-CodePark-muted">
            {buildLabel(state)} (once per repository; later searches take
            milliseconds)
          </p>
        </div>
      ) : state.kind === 'error' ? (
        <div className="jp-CodePark-error" role="alert">
          {state.message}
        </div>
      ) : answer ? (
        <div className="jp-CodePark-searchResults" aria-label="Search results">
          <div className="jp-CodePark-searchBar">
            <span className="jp-CodePark-muted">
              {answer.index.functions + answer.index.classes} functions and
              classes, {answer.index.commits} commits · {answer.took_ms} ms
            </span>
            <button
              className="jp-mod-styled"
              disabled={!files.length}
              onClick={() => onShowOnCity(answer.repo.path, files)}
              title={`Light up in the 3D city: ${files.join(', ')}`}
            >
              Show on city
            </button>
          </div>
          {answer.functions.length ? (
            <ul className="jp-CodePark-searchList">
              {answer.functions.map(hit => (
                <FunctionHit
                  key={`${hit.path}:${hit.line}:${hit.name}`}
                  hit={hit}
                  onOpen={() =>
                    onOpen(joinPath(answer.repo.path, hit.path), hit.line)
                  }
                />
              ))}
            </ul>
          ) : (
            <p className="jp-CodePark-muted">No function matches.</p>
          )}
          {answer.commits.length ? (
            <details className="jp-CodePark-searchCommits">
              <summary>Commits</summary>
              <ul className="jp-CodePark-searchList">
                {answer.commits.slice(0, 5).map(c => (
                  <li key={c.sha} className="jp-CodePark-searchHit">
                    <span title={c.sha}>
                      <code>{c.sha.slice(0, 8)}</code> {c.subject}
                      <span className="jp-CodePark-muted">
                        {' '}
                        · {c.author}, {shortDate(c.time)}
                      </span>
                    </span>
                    <span className="jp-CodePark-searchScore">
                      {score(c.score)}
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ) : (
        <p className="jp-CodePark-muted">
          Ask in plain words; the nearest functions, files and commits come
          first. Works offline.
        </p>
      )}
    </div>
  );
}
