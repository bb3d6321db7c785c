import { Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';

import { findingRange, findingText } from './logic';
import { AI } from './types';

/** Where CodePark findings come from in CodeMirror's diagnostics. */
export const SOURCE = 'CodePark';

function render(f: AI.IFinding): (view: EditorView) => Node {
  return () => {
    const t = findingText(f);
    const el = document.createElement('div');
    el.className = 'jp-CodePark-aiDiagnostic';
    el.dataset.severity = f.severity;
    const title = document.createElement('div');
    title.className = 'jp-CodePark-aiDiagnostic-title';
    title.textContent = t.title;
    const fix = document.createElement('div');
    fix.className = 'jp-CodePark-aiDiagnostic-fix';
    fix.textContent = `Fix: ${t.fix}`;
    const evidence = document.createElement('div');
    evidence.className = 'jp-CodePark-aiDiagnostic-evidence';
    evidence.textContent = `Evidence: ${t.evidence}`;
    el.append(title, fix, evidence);
    return el;
  };
}

/** CodeMirror diagnostics of review findings over the editor's current text. */
export function toDiagnostics(
  text: string,
  findings: AI.IFinding[]
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lines = text.split('\n').length;
  for (const f of findings) {
    // a finding about the whole file (history: hotspot, owners) marks its first line only
    const whole = f.line <= 1 && f.end_line >= lines - 1 && lines > 2;
    const range = findingRange(text, whole ? { line: 1, end_line: 1 } : f);
    if (!range) {
      continue;
    }
    const t = findingText(f);
    out.push({
      ...range,
      severity: f.severity,
      source: SOURCE,
      message: `${t.title}\nFix: ${t.fix}\nEvidence: ${t.evidence}`,
      markClass: `jp-CodePark-aiMark jp-CodePark-aiMark-${f.severity}`,
      renderMessage: render(f)
    });
  }
  return out.sort((a, b) => a.from - b.from || a.to - b.to);
}

const installed = new WeakSet<EditorView>();

/**
 * Show findings as diagnostics in a CodeMirror view: severity-coloured underlines, gutter
 * markers, hover tooltips (message, fix, evidence). An empty list clears them. `inject` adds an
 * extension to the editor (JupyterLab's `CodeMirrorEditor.injectExtension`).
 */
export function showFindings(
  view: EditorView,
  inject: (ext: Extension) => void,
  findings: AI.IFinding[]
): void {
  if (!installed.has(view)) {
    installed.add(view);
    inject(lintGutter());
  }
  const text = view.state.doc.toString();
  view.dispatch(setDiagnostics(view.state, toDiagnostics(text, findings)));
}
