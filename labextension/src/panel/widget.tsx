import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { StatusView } from '../components/StatusView';
import { codeparkIcon } from '../icons';
import { StatusModel, StatusState } from './model';

/** The model's current state; re-renders on every change, including one between render and mount. */
function useStatus(model: StatusModel): StatusState {
  const [state, setState] = React.useState(model.state);
  React.useEffect(() => {
    const onChange = (_: StatusModel, next: StatusState) => setState(next);
    model.changed.connect(onChange);
    setState(model.state);
    return () => {
      model.changed.disconnect(onChange);
    };
  }, [model]);
  return state;
}

function PanelBody({ model }: { model: StatusModel }): JSX.Element {
  const state = useStatus(model);
  return (
    <div className="jp-CodePark-body">
      <header className="jp-CodePark-header">
        <h2>CodePark</h2>
        <p className="jp-CodePark-muted">
          Understand a codebase: history, hotspots, ownership and coupling.
        </p>
      </header>
      <section aria-label="Server status">
        <h3>Server</h3>
        <StatusView state={state} onRefresh={() => void model.refresh()} />
      </section>
    </div>
  );
}

/** The CodePark left-sidebar panel. */
export class CodeParkPanel extends ReactWidget {
  constructor(readonly model: StatusModel) {
    super();
    this.id = 'jp-codepark-panel';
    this.addClass('jp-CodePark-panel');
    this.title.icon = codeparkIcon;
    this.title.caption = 'CodePark';
  }

  protected render(): JSX.Element {
    return <PanelBody model={this.model} />;
  }
}
