import { CodeParkRequestError } from '../request';
import { AIRequestError } from './api';

/** What to tell the user about a failed AI request: one clear sentence, by status. */
export function errorMessage(error: unknown, action: string): string {
  if (!(error instanceof CodeParkRequestError)) {
    return `CodePark ${action} failed: ${String((error as Error)?.message ?? error)}`;
  }
  const retry =
    error instanceof AIRequestError && error.retryAfterS !== null
      ? error.retryAfterS
      : null;
  switch (error.status) {
    case 429:
      return (
        `CodePark ${action}: too many requests. ` +
        (retry !== null
          ? `Try again in ${retry} s.`
          : 'Try again in a minute.') +
        (error.message && retry === null ? ` (${error.message})` : '')
      );
    case 413:
      return `CodePark ${action}: the input is too large. ${error.message}`;
    case 502:
      return `CodePark ${action}: the language model failed. ${error.message}`;
    case 504:
      return `CodePark ${action}: the language model did not answer in time. ${error.message}`;
    case 409:
      return `CodePark ${action}: ${error.message}`;
    case 0:
      return `CodePark ${action}: ${error.message}`;
    default:
      return `CodePark ${action} failed (HTTP ${error.status}): ${error.message}`;
  }
}
