import { ISignal, Signal } from '@lumino/signaling';

import { CodeParkRequestError } from '../request';
import { CodePark } from '../tokens';

/** What the panel shows about the server. */
export type StatusState =
  | { kind: 'loading' }
  | { kind: 'ready'; status: CodePark.IStatus }
  | { kind: 'missing'; message: string }
  | { kind: 'error'; message: string };

/** Turn a failed status request into the state the panel shows, with what to do next. */
export function stateFromError(error: unknown): StatusState {
  if (error instanceof CodeParkRequestError) {
    if (error.extensionMissing) {
      return {
        kind: 'missing',
        message:
          'The CodePark server extension is not enabled on this Jupyter server. ' +
          'Install it with `pip install jupyter-codepark` and restart the server ' +
          '(check with `jupyter server extension list`).'
      };
    }
    return { kind: 'error', message: error.message };
  }
  return { kind: 'error', message: String(error) };
}

/** Feature rows for display, healthy ones first, each with a short label. */
export function featureRows(status: CodePark.IStatus): {
  name: string;
  label: string;
  healthy: boolean;
  enabled: boolean;
  detail: string;
}[] {
  const labels: { [key: string]: string } = {
    analysis: 'Analysis engine',
    store: 'Store',
    collaboration: 'Collaboration',
    sandbox: 'Sandbox',
    ai: 'AI help',
    search: 'Semantic search'
  };
  return Object.entries(status.features).map(([name, f]) => ({
    name,
    label: labels[name] ?? name,
    healthy: f.healthy,
    enabled: f.enabled,
    detail: f.detail
  }));
}

/** The panel's model: fetches the status and signals changes. */
export class StatusModel {
  constructor(private readonly fetchStatus: () => Promise<CodePark.IStatus>) {}

  get state(): StatusState {
    return this._state;
  }

  get changed(): ISignal<this, StatusState> {
    return this._changed;
  }

  async refresh(): Promise<StatusState> {
    this.set({ kind: 'loading' });
    try {
      this.set({ kind: 'ready', status: await this.fetchStatus() });
    } catch (error) {
      this.set(stateFromError(error));
    }
    return this._state;
  }

  private set(state: StatusState): void {
    this._state = state;
    this._changed.emit(state);
  }

  private _state: StatusState = { kind: 'loading' };
  private _changed = new Signal<this, StatusState>(this);
}
