import { ServerConnection } from '@jupyterlab/services';
import { Poll } from '@lumino/polling';

import { EventsSocket } from '../events';
import { CodePark } from '../tokens';

export { reconnectDelayMs } from '../events';

/**
 * Job updates from the events WebSocket, falling back to polling `GET analyses` (lumino Poll:
 * backoff on failure, standby while the page is hidden) whenever the socket is not open.
 */
export class JobEvents extends EventsSocket {
  constructor(
    settings: ServerConnection.ISettings,
    private readonly onJob: (job: CodePark.IJob) => void,
    private readonly pollJobs: () => Promise<void>,
    private readonly hasActiveJobs: () => boolean
  ) {
    super(settings);
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

  protected handle(event: CodePark.Event): void {
    if (event.type === 'analysis' && 'analysis' in event) {
      this.onJob(event.analysis as CodePark.IJob);
    }
  }

  protected opened(): void {
    // slow the safety poll down while events flow
    this.poll.frequency = { interval: 10_000, backoff: true, max: 60_000 };
    void this.poll.refresh();
  }

  protected closed(): void {
    this.poll.frequency = { interval: 1000, backoff: true, max: 30_000 };
    void this.poll.refresh();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    super.dispose();
    this.poll.dispose();
  }

  private readonly poll: Poll;
}
