import type {
  CompletionHandler,
  IInlineCompletionContext,
  IInlineCompletionList,
  IInlineCompletionProvider
} from '@jupyterlab/completer';
import type { ServerConnection } from '@jupyterlab/services';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import type { LabIcon } from '@jupyterlab/ui-components';

import { CodeParkRequestError } from '../request';
import { complete } from './api';
import { completionContext } from './logic';

/** Options of the inline completion provider. */
export interface ICompletionOptions {
  serverSettings: ServerConnection.ISettings;
  /** The `inlineCompletion` setting (off by default). */
  enabled: () => boolean;
  /** Told once when the server has no language model (409) or another error. */
  onError: (error: unknown) => void;
  /** Shown beside the provider's name in the inline completer. */
  icon?: LabIcon.ILabIcon;
}

/**
 * JupyterLab inline completions by the language model configured on the server
 * (`POST codepark/api/ai/complete`). Off unless the `inlineCompletion` setting is on; never
 * used with the offline engine: the server answers 409 and the provider stops asking.
 */
export class CodeParkInlineProvider implements IInlineCompletionProvider {
  readonly identifier = 'jupyter-codepark:inline';
  readonly name = 'CodePark (language model)';
  readonly icon?: LabIcon.ILabIcon;
  /** Defaults in JupyterLab's inline completer settings: a model needs time to answer. */
  readonly schema: ISettingRegistry.IProperty = {
    default: { debouncerDelay: 250, timeout: 20000 }
  };

  constructor(private readonly options: ICompletionOptions) {
    this.icon = options.icon;
  }

  /** False once the server said it has no language model (until the setting changes). */
  get available(): boolean {
    return this.noModel === false;
  }

  /** Forget a previous "no model" answer (the setting was switched on again). */
  reset(): void {
    this.noModel = false;
  }

  async fetch(
    request: CompletionHandler.IRequest,
    context: IInlineCompletionContext
  ): Promise<IInlineCompletionList> {
    if (!this.options.enabled() || this.noModel) {
      return { items: [] };
    }
    const path = (context.widget as any)?.context?.path;
    const { prefix, suffix } = completionContext(request.text, request.offset);
    if (!prefix.trim()) {
      return { items: [] };
    }
    this.pending?.abort();
    const controller = new AbortController();
    this.pending = controller;
    try {
      const answer = await complete(
        {
          prefix,
          suffix,
          path: typeof path === 'string' ? path : undefined,
          language: request.mimeType?.includes('python') ? 'python' : undefined
        },
        this.options.serverSettings,
        controller.signal
      );
      const text = answer.text;
      return { items: text.trim() ? [{ insertText: text }] : [] };
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') {
        return { items: [] };
      }
      if (error instanceof CodeParkRequestError && error.status === 409) {
        this.noModel = true;
      }
      if (!(error instanceof CodeParkRequestError && error.status === 429)) {
        this.options.onError(error);
      }
      return { items: [] };
    } finally {
      if (this.pending === controller) {
        this.pending = null;
      }
    }
  }

  private noModel = false;
  private pending: AbortController | null = null;
}
