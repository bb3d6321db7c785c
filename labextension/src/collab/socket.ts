import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';

import { reconnectDelayMs } from '../panel/events';
import { NAMESPACE } from '../request';

const COLLAB_TYPES = new Set(['presence', 'note', 'notes', 'notification']);

/**
 * Collaboration events (`presence`, `note`, `notes`, `notification`) of the events WebSocket
 * (`codepark/api/events`); reconnects with a growing delay and says when it (re)opened so the
 * model can catch up over REST.
 */
export class CollabSocket implements IDisposable {
  constructor(
    private readonly settings: ServerConnection.ISettings,
    private readonly onEvent: (event: any) => void,
    private readonly onOpen: () => void
  ) {
    this.connect();
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  private url(): string {
    const s = this.settings;
    let url = URLExt.join(s.wsUrl, NAMESPACE, 'api', 'events');
    if (s.token && s.appendToken) {
      url += `?token=${encodeURIComponent(s.token)}`;
    }
    return url;
  }

  private connect(): void {
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
      this.onOpen();
    };
    socket.onmessage = (msg: MessageEvent) => {
      let event: any;
      try {
        event = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (event && COLLAB_TYPES.has(event.type)) {
        this.onEvent(event);
      }
    };
    socket.onclose = () => {
      if (this.socket === socket) {
        this.socket = null;
        this.scheduleReconnect();
      }
    };
  }

  private scheduleReconnect(): void {
    if (this._disposed) {
      return;
    }
    const delay = reconnectDelayMs(this.attempt++);
    this.timer = window.setTimeout(() => this.connect(), delay);
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

  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer = 0;
  private _disposed = false;
}
