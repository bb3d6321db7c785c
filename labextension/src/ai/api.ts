import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { CodeParkRequestError, NAMESPACE } from '../request';
import { SSEParser } from './sse';
import { AI } from './types';

/** An AI route's error, with the server's `Retry-After` (seconds) on a 429. */
export class AIRequestError extends CodeParkRequestError {
  constructor(
    message: string,
    status: number,
    reason: string | null,
    readonly retryAfterS: number | null = null
  ) {
    super(message, status, reason);
    this.name = 'AIRequestError';
  }
}

/** POST to `codepark/api/ai/<endPoint>`; a non-2xx answer becomes an AIRequestError. */
async function post(
  endPoint: string,
  body: unknown,
  settings: ServerConnection.ISettings,
  init: RequestInit = {}
): Promise<Response> {
  const url = URLExt.join(settings.baseUrl, NAMESPACE, 'api', 'ai', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      { ...init, method: 'POST', body: JSON.stringify(body) },
      settings
    );
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') {
      throw error;
    }
    throw new AIRequestError(
      `Cannot reach the Jupyter server: ${String(error)}`,
      0,
      'network'
    );
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response;
}

async function errorOf(response: Response): Promise<AIRequestError> {
  let data: any = {};
  try {
    data = JSON.parse(await response.text());
  } catch {
    data = {};
  }
  const retry = Number(response.headers.get('Retry-After'));
  return new AIRequestError(
    typeof data?.message === 'string' && data.message
      ? data.message
      : `${response.status} ${response.statusText}`,
    response.status,
    typeof data?.reason === 'string' ? data.reason : null,
    Number.isFinite(retry) && retry > 0 ? retry : null
  );
}

/** A whole answer as JSON. */
export async function ask(
  task: AI.Task,
  body: unknown,
  settings: ServerConnection.ISettings
): Promise<AI.IAnswer> {
  const response = await post(task, body, settings);
  return (await response.json()) as AI.IAnswer;
}

/**
 * An answer as it streams (`Accept: text/event-stream`): `delta` events then one `result`.
 * An `error` event (the model failed mid-answer) is thrown as an AIRequestError.
 */
export async function* stream(
  task: AI.Task | 'complete',
  body: unknown,
  settings: ServerConnection.ISettings,
  signal?: AbortSignal
): AsyncGenerator<AI.StreamEvent> {
  const response = await post(task, body, settings, {
    headers: { Accept: 'text/event-stream' },
    signal
  });
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.startsWith('text/event-stream') || !response.body) {
    const answer = (await response.json()) as AI.IAnswer;
    yield { event: 'delta', data: { text: answer.text } };
    yield { event: 'result', data: answer };
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SSEParser();
  const emit = function* (events: { event: string; data: any }[]) {
    for (const e of events) {
      if (e.event === 'error') {
        throw new AIRequestError(
          String(e.data?.message ?? 'The model failed.'),
          Number(e.data?.status ?? 502),
          e.data?.reason ?? null
        );
      }
      yield e as AI.StreamEvent;
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      yield* emit(parser.push(decoder.decode(value, { stream: true })));
    }
    yield* emit(parser.push(decoder.decode()));
    yield* emit(parser.finish());
  } finally {
    reader.releaseLock();
  }
}

/** The code a language model inserts at the cursor (409 `no-model` under the offline engine). */
export async function complete(
  body: AI.ICompletionRequest,
  settings: ServerConnection.ISettings,
  signal?: AbortSignal
): Promise<AI.IAnswer> {
  const response = await post('complete', body, settings, { signal });
  return (await response.json()) as AI.IAnswer;
}
