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

class NoteMarker extends GutterMarker {
  constructor(readonly title: string) {
    super();
  }

  eq(other: GutterMarker): boolean {
    return other instanceof NoteMarker && other.title === this.title;
  }

  toDOM(): Node {
    const el = document.createElement('span');
    el.className = 'jp-CodePark-noteMarker';
    el.title = this.title;
    el.textContent = '●';
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
      gutterMarks.add(from, from, new NoteMarker(mark.title));
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

/** Show `marks` in a CodeMirror editor view (installing the markers the first time). */
export function showMarks(
  view: EditorView,
  inject: (ext: Extension) => void,
  marks: INoteMark[]
): void {
  if (!installed.has(view)) {
    installed.add(view);
    inject(noteMarkers);
  }
  view.dispatch({ effects: setMarks.of(marks) });
}
