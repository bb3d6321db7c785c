import { ISignal, Signal } from '@lumino/signaling';

import { sortFindings } from './logic';
import { AI } from './types';

/** The last review: what was reviewed and what it found. */
export interface IReviewState {
  path: string;
  notebook: boolean;
  /** The reviewed cell of a notebook. */
  cell?: number;
  findings: AI.IFinding[];
  generatedBy: string;
  cached: boolean;
  /** The document changed substantially since: the markers were cleared. */
  stale: boolean;
}

/** The insights of a repository, streaming in. */
export interface IInsightsState {
  repo: string;
  running: boolean;
  text: string;
  answer: AI.IAnswer | null;
  error: string | null;
}

/** What the AI section of the panel shows; the plugin writes it, the views read it. */
export class AIModel {
  review: IReviewState | null = null;
  reviewing: string | null = null;
  insights: IInsightsState | null = null;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  setReviewing(path: string | null): void {
    this.reviewing = path;
    this._changed.emit();
  }

  setReview(review: IReviewState | null): void {
    this.review = review
      ? { ...review, findings: sortFindings(review.findings) }
      : null;
    this.reviewing = null;
    this._changed.emit();
  }

  markStale(path: string, cell?: number): void {
    const r = this.review;
    if (r && r.path === path && (cell === undefined || r.cell === cell)) {
      this.review = { ...r, stale: true };
      this._changed.emit();
    }
  }

  setInsights(insights: IInsightsState | null): void {
    this.insights = insights;
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
}
