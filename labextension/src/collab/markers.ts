import {
  Extension,
  RangeSet,
  RangeSetBuilder,
  StateEffect,
  StateField,
  Text
} from '@codemirror/state';
import {
  Decoration,
  DecorationSet,
  EditorView,
  gutter,
  GutterMarker
} from '@codemirror/view';

import { INoteMark } from './state';

/** Replace the note marks of an editor. */
const setMarks = StateEffect.define<INoteMark[]>();

/** What a click on a marker does, per editor view (opens the note's thread). */
const openers = new WeakMap<EditorView, (id: number) => void>();

class NoteMarker extends GutterMarker {
  constructor(
    readonly title: string,
    readonly id: number
  ) {
    super();
  }

  eq(other: GutterMarker): boolean {
    return (
      other instanceof NoteMarker &&
      other.title === this.title &&
      other.id === this.id
    );
  }

  toDOM(view: EditorView): Node {
    const el = document.createElement('span');
    el.className = 'jp-CodePark-noteMarker';
    el.title = `${this.title}\n(click to open the thread)`;
    el.textContent = '●';
    el.dataset.noteId = String(this.id);
    el.setAttribute('role', 'button');
    el.addEventListener('mousedown', event => {
      event.preventDefault(); // keep the editor's selection and focus
      event.stopPropagation();
    });
    el.addEventListener('click', event => {
      event.stopPropagation();
      openers.get(view)?.(this.id);
    });
    return el;
  }
}

interface IMarks {
  lines: DecorationSet;
  gutter: RangeSet<GutterMarker>;
}

function build(doc: Text, marks: INoteMark[]): IMarks {
  const lines = new RangeSetBuilder<Decoration>();
  const gutterMarks = new RangeSetBuilder<GutterMarker>();
  for (const mark of marks) {
    if (mark.line < 1 || mark.line > doc.lines) {
      continue;
    }
    const from = doc.line(mark.line).from;
    lines.add(
      from,
      from,
      Decoration.line({
        class: mark.first
          ? 'jp-CodePark-noteLine jp-CodePark-noteStart'
          : 'jp-CodePark-noteLine',
        attributes: { 'data-codepark-note': String(mark.line) }
      })
    );
    if (mark.first) {
      gutterMarks.add(from, from, new NoteMarker(mark.title, mark.id));
    }
  }
  return { lines: lines.finish(), gutter: gutterMarks.finish() };
}

const marksField = StateField.define<IMarks>({
  create: () => ({ lines: Decoration.none, gutter: RangeSet.empty }),
  update(value, tr) {
    let next = {
      lines: value.lines.map(tr.changes),
      gutter: value.gutter.map(tr.changes)
    };
    for (const effect of tr.effects) {
      if (effect.is(setMarks)) {
        next = build(tr.state.doc, effect.value);
      }
    }
    return next;
  },
  provide: f => EditorView.decorations.from(f, v => v.lines)
});

/** The note markers: a line class on noted lines and a dot in a gutter on their first line. */
export const noteMarkers: Extension = [
  marksField,
  gutter({
    class: 'jp-CodePark-noteGutter',
    markers: view => view.state.field(marksField).gutter
  })
];

const installed = new WeakSet<EditorView>();

/**
 * Show `marks` in a CodeMirror editor view (installing the markers the first time); a click on
 * a marker calls `onOpen` with its note's id.
 */
export function showMarks(
  view: EditorView,
  inject: (ext: Extension) => void,
  marks: INoteMark[],
  onOpen?: (id: number) => void
): void {
  if (onOpen) {
    openers.set(view, onOpen);
  }
  if (!installed.has(view)) {
    installed.add(view);
    inject(noteMarkers);
  }
  view.dispatch({ effects: setMarks.of(marks) });
}
