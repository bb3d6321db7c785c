import { ServerConnection } from '@jupyterlab/services';

import { EventsSocket } from '../events';

const COLLAB_TYPES = new Set([
  'presence',
  'note',
  'notes',
  'notification',
  'activity'
]);

/**
 * Collaboration events (`presence`, `note`, `notes`, `notification`, `activity`) of the events WebSocket;
 * says when it (re)opened so the model can catch up over REST.
 */
export class CollabSocket extends EventsSocket {
  constructor(
    settings: ServerConnection.ISettings,
    private readonly onEvent: (event: any) => void,
    private readonly onOpen: () => void
  ) {
    super(settings);
    this.connect();
  }

  protected handle(event: any): void {
    if (COLLAB_TYPES.has(event.type)) {
      this.onEvent(event);
    }
  }

  protected opened(): void {
    this.onOpen();
  }
}
