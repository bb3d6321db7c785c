import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import * as api from '../api';
import { CodePark } from '../tokens';
import { messageOf } from './analysis';

/** What the search box shows. */
export type SearchState =
  | { kind: 'idle' }
  | { kind: 'searching'; query: string }
  | {
      kind: 'building';
      query: string;
      done: number;
      total: number | null;
      eta: number | null;
    }
  | { kind: 'ready'; answer: CodePark.ISearchAnswer }
  | { kind: 'error'; query: string; message: string };

/** The files of the best results, distinct, best first (what "Show on city" lights up). */
export function resultFiles(answer: CodePark.ISearchAnswer, n = 3): string[] {
  const ranked = [
    ...answer.functions.map(f => ({ path: f.path, score: f.score })),
    ...answer.files.map(f => ({ path: f.path, score: f.score }))
  ].sort((a, b) => b.score - a.score);
  return Array.from(new Set(ranked.map(r => r.path))).slice(0, n);
}

/** How long to wait between two asks while the index is built. */
export const POLL_MS = 1000;

/** "12 / 340 files and commits · about 8 s left" */
export function buildLabel(s: {
  done: number;
  total: number | null;
  eta: number | null;
}): string {
  const count =
    s.total === null
      ? 'Preparing the index'
      : `Indexing ${s.done.toLocaleString('en-US')} / ${s.total.toLocaleString('en-US')} files and commits`;
  return s.eta !== null && s.eta > 0
    ? `${count} · about ${Math.ceil(s.eta)} s left`
    : count;
}

/**
 * Semantic search of the selected repository: asks the server, and while it answers 202 (the
 * index is being built) asks again every second, showing the progress. A newer query replaces
 * an older one, whose answers are then ignored.
 */
export class SearchModel {
  /**
   * @param ask one search request (`api.searchCode` against the server)
   * @param wait the pause between two asks while the index is built
   */
  constructor(
    private readonly ask: (
      query: string,
      repoId: number
    ) => Promise<CodePark.ISearchAnswer | CodePark.ISearchBuild>,
    private readonly wait: (ms: number) => Promise<void> = ms =>
      new Promise(resolve => setTimeout(resolve, ms))
  ) {}

  /** A model asking the CodePark server. */
  static forServer(settings: ServerConnection.ISettings): SearchModel {
    return new SearchModel((query, repoId) =>
      api.searchCode(query, repoId, settings)
    );
  }

  get state(): SearchState {
    return this._state;
  }

  get changed(): ISignal<this, SearchState> {
    return this._changed;
  }

  /** Search `query` in repository `repoId`; resolves when answered (or replaced). */
  async search(query: string, repoId: number): Promise<void> {
    const q = query.trim();
    const ticket = ++this.ticket;
    if (!q) {
      this.set({ kind: 'idle' });
      return;
    }
    this.set({ kind: 'searching', query: q });
    for (;;) {
      let reply: CodePark.ISearchAnswer | CodePark.ISearchBuild;
      try {
        reply = await this.ask(q, repoId);
      } catch (error) {
        if (ticket === this.ticket) {
          this.set({ kind: 'error', query: q, message: messageOf(error) });
        }
        return;
      }
      if (ticket !== this.ticket) {
        return;
      }
      if (reply.state === 'ready') {
        this.set({ kind: 'ready', answer: reply });
        return;
      }
      this.set({
        kind: 'building',
        query: q,
        done: reply.done,
        total: reply.total,
        eta: reply.eta_s ?? null
      });
      await this.wait(POLL_MS);
      if (ticket !== this.ticket) {
        return;
      }
    }
  }

  clear(): void {
    this.ticket++;
    this.set({ kind: 'idle' });
  }

  private set(state: SearchState): void {
    this._state = state;
    this._changed.emit(state);
  }

  private ticket = 0;
  private _state: SearchState = { kind: 'idle' };
  private _changed = new Signal<this, SearchState>(this);
}
