import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

import { NAMESPACE } from '../request';
import { CodePark } from '../tokens';

/** Reconnect delays of the WebSocket: 1 s doubling up to 30 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/**
 * Job updates from the events WebSocket (`codepark/api/events`), falling back to polling
 * `GET analyses` (lumino Poll: backoff on failure, standby while the page is hidden) whenever
 * the socket is not open. The socket reconnects with a growing delay.
 */
export class JobEvents implements IDisposable {
  constructor(
    private readonly settings: ServerConnection.ISettings,
    private readonly onJob: (job: CodePark.IJob) => void,
    private readonly pollJobs: () => Promise<void>,
    private readonly hasActiveJobs: () => boolean
  ) {
    this.poll = new Poll({
      factory: async () => {
        if (!this.connected || this.hasActiveJobs()) {
          await this.pollJobs();
        }
      },
      frequency: { interval: 1000, backoff: true, max: 30_000 },
      standby: 'when-hidden',
      name: 'codepark:jobs'
    });
    this.connect();
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
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
      // slow the safety poll down while events flow
      this.poll.frequency = { interval: 10_000, backoff: true, max: 60_000 };
      void this.poll.refresh();
    };
    socket.onmessage = (msg: MessageEvent) => {
      let event: CodePark.Event;
      try {
        event = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (event.type === 'analysis' && 'analysis' in event) {
        this.onJob(event.analysis as CodePark.IJob);
      }
    };
    socket.onclose = () => {
      if (this.socket === socket) {
        this.socket = null;
        this.poll.frequency = { interval: 1000, backoff: true, max: 30_000 };
        void this.poll.refresh();
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
    this.poll.dispose();
  }

  private readonly poll: Poll;
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer = 0;
  private _disposed = false;
}
