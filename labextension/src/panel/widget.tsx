import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import * as React from 'react';

import { AnalyseView } from '../components/AnalyseView';
import { InsightView } from '../components/InsightView';
import { JobList } from '../components/JobList';
import { SearchView } from '../components/SearchView';
import { HotspotsTable, SummaryCards } from '../components/ResultsView';
import { StatusView } from '../components/StatusView';
import { codeparkIcon } from '../icons';
import {
  CodePark,
  ICodeParkPanel,
  ICodeParkSettings,
  IPanelSection
} from '../tokens';
import { AnalysisModel } from './analysis';
import { StatusModel, StatusState } from './model';
import { SearchModel } from './search';
import { joinPath } from './state';

/** Re-render on every emission of a signal (including one between render and mount). */
function useSignal<T>(signal: ISignal<any, any>, read: () => T): T {
  const [value, setValue] = React.useState(read);
  const [, tick] = React.useReducer((n: number) => n + 1, 0);
  React.useEffect(() => {
    const onChange = () => {
      setValue(read());
      tick();
    };
    signal.connect(onChange);
    onChange();
    return () => {
      signal.disconnect(onChange);
    };
  }, [signal]);
  return value;
}

/** What the panel asks of the application. */
export interface IPanelActions {
  openHotspot: (repoPath: string, file: CodePark.IFile) => void;
  openFile: (path: string) => void;
  openCity: () => void;
  updateSettings: (patch: Partial<ICodeParkSettings>) => void;
  /** open a server-root path with the cursor on a line */
  openFileAt?: (path: string, line: number | undefined) => void;
  /** open the repository's city with these files (inside the repository) lit up */
  showOnCity?: (repoPath: string, files: string[]) => void;
}

function PanelBody({
  status,
  model,
  actions,
  search,
  sections = []
}: {
  status: StatusModel;
  model: AnalysisModel;
  actions: IPanelActions;
  search?: SearchModel;
  sections?: IPanelSection[];
}): JSX.Element {
  const state = useSignal<StatusState>(status.changed, () => status.state);
  useSignal(model.changed, () => null);
  const repo =
    model.selected !== null ? model.repoAt(model.selected) : undefined;
  const results = model.results;
  const insight = model.insight;
  return (
    <div className="jp-CodePark-body">
      <header className="jp-CodePark-header">
        <h2>CodePark</h2>
        <p className="jp-CodePark-muted">
          Understand a codebase: history, hotspots, ownership and coupling.
        </p>
      </header>
      {state.kind === 'missing' ? (
        <p className="jp-CodePark-muted">
          Analysing needs the CodePark server extension: see <em>Server</em>{' '}
          below.
        </p>
      ) : (
        <>
          <section aria-label="Analyse" className="jp-CodePark-section">
            <h3>Analyse</h3>
            <AnalyseView
              model={model}
              onSettings={actions.updateSettings}
              onOpenCity={actions.openCity}
            />
          </section>
          <section
            aria-label="Hotspots"
            className="jp-CodePark-section jp-CodePark-results"
          >
            <h3>Summary and hotspots</h3>
            {!repo || repo.repo_id === null || !results ? (
              <p className="jp-CodePark-muted">
                {model.selected === null
                  ? 'Choose a repository.'
                  : 'Not analysed yet: press Analyse to see commits, authors and hotspots.'}
              </p>
            ) : results.error ? (
              <div className="jp-CodePark-error" role="alert">
                {results.error}
              </div>
            ) : results.summary ? (
              <>
                <SummaryCards summary={results.summary.summary} />
                <HotspotsTable
                  model={model}
                  onOpen={f => actions.openHotspot(repo.path, f)}
                />
              </>
            ) : (
              <p className="jp-CodePark-muted">Loading results…</p>
            )}
          </section>
          {search ? (
            <section aria-label="Search" className="jp-CodePark-section">
              <h3>Search the code</h3>
              <SearchView
                model={search}
                repo={repo}
                onOpen={(path, line) =>
                  actions.openFileAt
                    ? actions.openFileAt(path, line)
                    : actions.openFile(path)
                }
                onShowOnCity={(repoPath, files) =>
                  actions.showOnCity?.(repoPath, files)
                }
              />
            </section>
          ) : null}
          <section aria-label="File insight" className="jp-CodePark-section">
            <h3>Active file</h3>
            <InsightView
              insight={insight}
              onOpenCoupled={file =>
                insight.repo &&
                actions.openFile(joinPath(insight.repo.path, file))
              }
              onAnalyse={() =>
                insight.repo && void model.analyse(insight.repo.path)
              }
            />
          </section>
          {sections.map(s => (
            <section
              key={s.id}
              aria-label={s.label}
              className={`jp-CodePark-section jp-CodePark-section-${s.id}`}
            >
              <h3>{s.label}</h3>
              {s.render()}
            </section>
          ))}
          <section aria-label="Past analyses" className="jp-CodePark-section">
            <h3>Analyses</h3>
            <JobList
              jobs={model.jobs}
              onRerun={id => void model.rerun(id)}
              onCancel={id => void model.cancel(id)}
            />
          </section>
        </>
      )}
      <section aria-label="Server status" className="jp-CodePark-section">
        <h3>Server</h3>
        <StatusView state={state} onRefresh={() => void status.refresh()} />
      </section>
    </div>
  );
}

/** The CodePark left-sidebar panel. */
export class CodeParkPanel extends ReactWidget implements ICodeParkPanel {
  private readonly sections: IPanelSection[] = [];

  constructor(
    readonly model: StatusModel,
    readonly analysis: AnalysisModel,
    readonly actions: IPanelActions
  ) {
    super();
    this.id = 'jp-codepark-panel';
    this.addClass('jp-CodePark-panel');
    this.title.icon = codeparkIcon;
    this.title.caption = 'CodePark';
  }

  protected render(): JSX.Element {
    return (
      <PanelBody
        status={this.model}
        model={this.analysis}
        actions={this.actions}
        search={this.search}
        sections={[...this.sections]}
      />
    );
  }

  /** Semantic search of the selected repository. */
  get search(): SearchModel {
    if (!this._search) {
      this._search = SearchModel.forServer(this.analysis.serverSettings);
    }
    return this._search;
  }

  private _search?: SearchModel;
  addSection(section: IPanelSection): void {
    this.sections.push(section);
    this.update();
  }

  selectedRepo(): CodePark.IDiscovered | null {
    const path = this.analysis.selected;
    return path !== null ? (this.analysis.repoAt(path) ?? null) : null;
  }
}
