import { CodeMirrorEditor } from '@jupyterlab/codemirror';

import { showFindings } from './diagnostics';
import { substantialChange } from './logic';
import { ISharedText, ITarget } from './target';
import { AI } from './types';

const WATCH_DELAY_MS = 400;

/** Markers shown in one editor, with the text they were computed on. */
interface IShown {
  editor: CodeMirrorEditor;
  shared: ISharedText;
  text: string;
  watch: () => void;
}

/**
 * Review findings shown in editors, one set per file or notebook cell. Showing again replaces
 * them; a substantial change of the text clears them and calls `onStale`.
 */
export class ReviewMarkers {
  constructor(
    private readonly onStale: (path: string, cell?: number) => void
  ) {}

  show(t: ITarget, findings: AI.IFinding[]): void {
    const key = keyOf(t.path, t.cell);
    this.clear(key);
    const editor = t.editor as CodeMirrorEditor;
    if (!editor.editor) {
      return;
    }
    showFindings(editor.editor, e => editor.injectExtension(e), findings);
    let timer: number | null = null;
    const entry: IShown = {
      editor,
      shared: t.shared,
      text: t.shared.getSource(),
      watch: () => {
        if (timer !== null) {
          window.clearTimeout(timer);
        }
        timer = window.setTimeout(() => {
          timer = null;
          if (substantialChange(entry.text, t.shared.getSource())) {
            this.clear(key);
            this.onStale(t.path, t.cell);
          }
        }, WATCH_DELAY_MS);
      }
    };
    t.shared.changed.connect(entry.watch);
    this.shown.set(key, entry);
  }

  clear(key: string): void {
    const s = this.shown.get(key);
    if (s) {
      s.shared.changed.disconnect(s.watch);
      if (!s.editor.isDisposed) {
        showFindings(s.editor.editor, e => s.editor.injectExtension(e), []);
      }
      this.shown.delete(key);
    }
  }

  clearAll(): void {
    for (const key of [...this.shown.keys()]) {
      this.clear(key);
    }
  }

  private readonly shown = new Map<string, IShown>();
}

function keyOf(path: string, cell?: number): string {
  return `${path}#${cell ?? ''}`;
}
