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

/** The card hovering a marker shows (one at a time). */
let card: HTMLElement | null = null;

function hideCard(): void {
  card?.remove();
  card = null;
}

function showCard(anchor: HTMLElement, mark: INoteMark): void {
  hideCard();
  const el = document.createElement('div');
  el.className = 'jp-CodePark-noteHover';
  el.setAttribute('role', 'tooltip');
  const head = document.createElement('b');
  head.textContent = mark.author;
  const body = document.createElement('div');
  body.className = 'jp-CodePark-noteHoverBody';
  body.textContent =
    mark.body.length > 400 ? mark.body.slice(0, 400) + '…' : mark.body;
  const foot = document.createElement('div');
  foot.className = 'jp-CodePark-muted';
  foot.textContent =
    (mark.replies
      ? `${mark.replies} repl${mark.replies === 1 ? 'y' : 'ies'} · `
      : '') + 'click to open the thread';
  el.append(head, body, foot);
  document.body.appendChild(el);
  const r = anchor.getBoundingClientRect();
  const left = Math.min(r.right + 6, window.innerWidth - el.offsetWidth - 4);
  el.style.left = `${Math.max(0, left)}px`;
  el.style.top = `${Math.max(0, Math.min(r.top, window.innerHeight - el.offsetHeight - 4))}px`;
  card = el;
}

class NoteMarker extends GutterMarker {
  constructor(readonly mark: INoteMark) {
    super();
  }

  get id(): number {
    return this.mark.id;
  }

  eq(other: GutterMarker): boolean {
    return (
      other instanceof NoteMarker &&
      other.mark.title === this.mark.title &&
      other.mark.id === this.mark.id
    );
  }

  destroy(): void {
    hideCard();
  }

  toDOM(view: EditorView): Node {
    const el = document.createElement('span');
    el.className = 'jp-CodePark-noteMarker';
    el.setAttribute(
      'aria-label',
      `${this.mark.title} (click to open the thread)`
    );
    el.textContent = '●';
    el.dataset.noteId = String(this.id);
    el.setAttribute('role', 'button');
    el.addEventListener('mouseenter', () => showCard(el, this.mark));
    el.addEventListener('mouseleave', hideCard);
    el.addEventListener('mousedown', event => {
      event.preventDefault(); // keep the editor's selection and focus
      event.stopPropagation();
    });
    el.addEventListener('click', event => {
      event.stopPropagation();
      hideCard();
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
      gutterMarks.add(from, from, new NoteMarker(mark));
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
    if (!marks.length) {
      return; // no gutter in editors (notebook cells) that never had a note
    }
    installed.add(view);
    inject(noteMarkers);
  }
  view.dispatch({ effects: setMarks.of(marks) });
}
