import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';

import { NAMESPACE } from './request';

/** Reconnect delays of the WebSocket: 1 s doubling up to 30 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/**
 * The events WebSocket (`codepark/api/events`), reconnecting with a growing delay. Subclasses
 * take the events they want in `handle` and react to the socket opening and closing; each must
 * call `connect()` once its own fields are set.
 */
export abstract class EventsSocket implements IDisposable {
  constructor(protected readonly settings: ServerConnection.ISettings) {}

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** One parsed event (any `type`). */
  protected abstract handle(event: any): void;

  /** The socket (re)opened: catch up on what was missed. */
  protected opened(): void {
    // nothing by default
  }

  /** The socket closed; a reconnect is scheduled. */
  protected closed(): void {
    // nothing by default
  }

  protected connect(): void {
    if (this._disposed) {
      return;
    }
    let socket: WebSocket;
    try {
      socket = new this.settings.WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.opened();
    };
    socket.onmessage = (msg: MessageEvent) => {
      let event: any;
      try {
        event = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (event && typeof event === 'object') {
        this.handle(event);
      }
    };
    socket.onclose = () => {
      if (this.socket === socket) {
        this.socket = null;
        this.closed();
        this.scheduleReconnect();
      }
    };
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    window.clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private url(): string {
    const s = this.settings;
    let url = URLExt.join(s.wsUrl, NAMESPACE, 'api', 'events');
    if (s.token && s.appendToken) {
      url += `?token=${encodeURIComponent(s.token)}`;
    }
    return url;
  }

  private scheduleReconnect(): void {
    if (this._disposed) {
      return;
    }
    const delay = reconnectDelayMs(this.attempt++);
    this.timer = window.setTimeout(() => this.connect(), delay);
  }

  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer = 0;
  private _disposed = false;
}
