import type { ICityModel } from '../city';
import { CodePark } from '../tokens';

/** Base64 to bytes (a fresh, aligned buffer). */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    out[i] = bin.charCodeAt(i);
  }
  return out;
}

/** The traits of a `GET repos/{id}/city` reply, binary ones decoded. */
export function decodeState(reply: CodePark.ICityReply): Map<string, unknown> {
  const binary = new Set(reply.binary);
  const out = new Map<string, unknown>();
  for (const [name, value] of Object.entries(reply.state)) {
    out.set(
      name,
      binary.has(name) && typeof value === 'string'
        ? decodeBase64(value)
        : value
    );
  }
  return out;
}

type Callback = (...args: any[]) => void;

/**
 * The anywidget model interface (`ICityModel`) over state fetched from the REST API, so the
 * lab's main-area city runs the very renderer of the notebook widget. `send` answers the
 * renderer's tooltip `details` requests from the files table; a change of `selected` (a click)
 * reaches `onSelect`.
 */
export class LabCityModel implements ICityModel {
  constructor(
    reply: CodePark.ICityReply,
    private readonly details: (path: string) => Record<string, unknown>,
    private readonly pathOf: (id: number) => string
  ) {
    this.values = decodeState(reply);
  }

  get(name: string): any {
    return this.values.get(name);
  }

  set(name: string, value: unknown): void {
    this.values.set(name, value);
    this.fire(`change:${name}`, value);
  }

  /** Replace the metric traits (a new height / colour choice) and notify the view once each. */
  update(
    reply: CodePark.ICityReply,
    keep: string[] = ['selected', 'time_index']
  ): void {
    const next = decodeState(reply);
    for (const name of keep) {
      next.set(name, this.values.get(name));
    }
    const changed = [...next.keys()].filter(
      k => next.get(k) !== this.values.get(k)
    );
    this.values = next;
    for (const name of changed) {
      this.fire(`change:${name}`, next.get(name));
    }
  }

  on(event: string, callback: Callback): void {
    const list = this.listeners.get(event) ?? [];
    list.push(callback);
    this.listeners.set(event, list);
  }

  off(event?: string | null, callback?: Callback | null): void {
    if (!event) {
      this.listeners.clear();
      return;
    }
    if (!callback) {
      this.listeners.delete(event);
      return;
    }
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter(cb => cb !== callback)
    );
  }

  save_changes(): void {
    // nothing to sync: the state lives in the browser
  }

  send(content: any): void {
    if (content?.type === 'details' && typeof content.id === 'number') {
      const id = content.id;
      const metrics = this.details(this.pathOf(id));
      queueMicrotask(() =>
        this.fire('msg:custom', { type: 'details', id, metrics })
      );
    }
  }

  /** Send the renderer fresh tooltip details of buildings `ids` (what is known changed). */
  refreshDetails(ids: Iterable<number>): void {
    for (const id of ids) {
      if (id >= 0) {
        this.fire('msg:custom', {
          type: 'details',
          id,
          metrics: this.details(this.pathOf(id))
        });
      }
    }
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const cb of [...(this.listeners.get(event) ?? [])]) {
      cb(...args);
    }
  }

  private values: Map<string, unknown>;
  private readonly listeners = new Map<string, Callback[]>();
}
