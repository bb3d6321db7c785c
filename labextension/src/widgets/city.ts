import { ServerConnection } from '@jupyterlab/services';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import * as api from '../api';
import { CityView, IHighlight, render } from '../city';
import { codeparkIcon } from '../icons';
import { messageOf } from '../panel/analysis';
import { CodePark } from '../tokens';
import { LabCityModel } from './citymodel';

/** Who is in a file of the city (from the collaboration presence). */
export interface ICityPerson {
  name: string;
  color: string | null;
}

/** Highlight colour of buildings with people in them when a person has no colour. */
export const PEOPLE_COLOR = '#ff2d95';

/** Metrics offered for height (numeric) and colour (numeric or categorical). */
export const HEIGHT_METRICS = [
  'hotspot_score',
  'complexity',
  'max_complexity',
  'churn',
  'revisions',
  'age_days',
  'loc',
  'authors',
  'bugfixes',
  'coupling_sum'
];
export const COLOR_METRICS = [
  ...HEIGHT_METRICS,
  'ownership',
  'main_author',
  'language'
];

const DETAIL_KEYS = [
  'language',
  'loc',
  'complexity',
  'revisions',
  'churn',
  'authors',
  'main_author',
  'ownership',
  'hotspot_score',
  'age_days'
];

/** Colour of the files lit up by a search. */
export const SEARCH_HIGHLIGHT = '#ff9f1c';

export interface ICityWidgetOptions {
  repoId: number;
  /** the repository's path under the server root ('' = the root) */
  repoPath: string;
  name: string;
  height: string;
  color: string;
  serverSettings: ServerConnection.ISettings;
  /** open a file (path inside the repository) clicked in the city */
  onOpen: (file: string) => void;
}

function select(
  label: string,
  options: string[],
  value: string,
  onChange: (value: string) => void
): HTMLLabelElement {
  const wrap = document.createElement('label');
  wrap.className = 'jp-CodePark-cityControl';
  wrap.textContent = `${label} `;
  const el = document.createElement('select');
  el.className = 'jp-mod-styled';
  el.setAttribute('aria-label', `${label} metric`);
  for (const o of options) {
    const opt = document.createElement('option');
    opt.value = o;
    opt.textContent = o.replace(/_/g, ' ');
    el.appendChild(opt);
  }
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  wrap.appendChild(el);
  return wrap;
}

/**
 * The 3D city of one analysed repository in the main area: the shared renderer
 * (`city/index.ts` `render`, the notebook widget's module) over a `LabCityModel`, with
 * height / colour pickers; a click on a building opens the file.
 */
export class CityWidget extends Widget {
  constructor(readonly options: ICityWidgetOptions) {
    super();
    this.id = `jp-codepark-city-${options.repoId}`;
    this.addClass('jp-CodePark-city');
    this.title.label = `City: ${options.name || 'repository'}`;
    this.title.caption = `CodePark 3D city of ${options.repoPath || 'the server root'}`;
    this.title.icon = codeparkIcon;
    this.title.closable = true;
    this.height = options.height;
    this.color = options.color;
    const bar = document.createElement('div');
    bar.className = 'jp-CodePark-cityToolbar';
    bar.appendChild(
      select('Height', HEIGHT_METRICS, this.height, v => {
        this.height = v;
        void this.reload();
      })
    );
    bar.appendChild(
      select('Colour', COLOR_METRICS, this.color, v => {
        this.color = v;
        void this.reload();
      })
    );
    this.status = document.createElement('span');
    this.status.className = 'jp-CodePark-muted';
    bar.appendChild(this.status);
    this.peopleBar = document.createElement('span');
    this.peopleBar.className = 'jp-CodePark-cityPeople';
    this.peopleBar.setAttribute('aria-label', 'People in the city');
    bar.appendChild(this.peopleBar);
    this.host = document.createElement('div');
    this.host.className = 'jp-CodePark-cityHost';
    this.node.append(bar, this.host);
    this.ready = this.load();
  }

  /** Resolves when the city is drawn (or its error shown). */
  readonly ready: Promise<void>;

  get view(): CityView | undefined {
    return (this.host.querySelector('.cp-city') as any)?.codecity;
  }

  /** Select (and show) a file, by its path inside the repository. */
  selectFile(file: string): boolean {
    if (!this.model || this.view?.paths.find(file) === -1) {
      return false;
    }
    this.quiet = true; // selected from outside: show it, do not open the file again
    try {
      this.model.set('selected', file);
    } finally {
      this.quiet = false;
    }
    return true;
  }

  /**
   * Light files (paths inside the repository) up with the city's highlight mechanism, replacing
   * the previous search highlight; returns how many are in the city.
   */
  highlightFiles(files: string[], color = SEARCH_HIGHLIGHT): number {
    const view = this.view;
    if (!this.model || !view) {
      return 0;
    }
    const ids = files.map(f => view.paths.find(f)).filter(id => id >= 0);
    const others = (
      (this.model.get('highlights') as IHighlight[]) ?? []
    ).filter(h => h.color !== color);
    this.model.set(
      'highlights',
      ids.length ? [...others, { color, ids }] : others
    );
    this.host.dataset.highlighted = String(ids.length);
    this.status.textContent = ids.length
      ? `${ids.length} file${ids.length === 1 ? '' : 's'} of the search lit up`
      : 'None of the search results is in the city';
    return ids.length;
  }

  /**
   * Show who is in which file (paths inside the repository → people there): their buildings
   * are highlighted in the person's colour, the tooltip names them, the toolbar lists them.
   */
  showPeople(people: Map<string, ICityPerson[]>): void {
    const key = JSON.stringify([...people].sort());
    if (key === this.peopleKey) {
      return;
    }
    this.peopleKey = key;
    const before = new Set(this.people.keys());
    this.people = new Map(people);
    this.paintPeople(before);
  }

  /** Paths (inside the repository) with someone in them. */
  get occupied(): string[] {
    return [...this.people.keys()].sort();
  }

  private paintPeople(before: Set<string>): void {
    this.peopleBar.replaceChildren();
    for (const [path, persons] of [...this.people].sort()) {
      for (const p of persons) {
        const chip = document.createElement('button');
        chip.className = 'jp-CodePark-cityPerson';
        chip.dataset.path = path;
        chip.title = `${p.name} is in ${path}: show the building`;
        const dot = document.createElement('span');
        dot.className = 'jp-CodePark-cityPersonDot';
        dot.style.background = p.color ?? PEOPLE_COLOR;
        chip.append(dot, `${p.name} · ${path.split('/').pop()}`);
        chip.addEventListener('click', () => this.selectFile(path));
        this.peopleBar.appendChild(chip);
      }
    }
    this.node.dataset.people = this.occupied.join(' ');
    const model = this.model;
    const view = this.view;
    if (!model || !view) {
      return;
    }
    const groups = new Map<string, number[]>();
    for (const [path, persons] of this.people) {
      const id = view.paths.find(path);
      if (id >= 0) {
        const color = persons[0]?.color ?? PEOPLE_COLOR;
        groups.set(color, [...(groups.get(color) ?? []), id]);
      }
    }
    const own = (model.get('highlights') ?? []).filter((h: any) => !h.people);
    model.set('highlights', [
      ...own,
      ...[...groups].map(([color, ids]) => ({ color, ids, people: true }))
    ]);
    const changed = new Set([...before, ...this.people.keys()]);
    model.refreshDetails([...changed].map(p => view.paths.find(p)));
  }

  private async fetch(): Promise<CodePark.ICityReply> {
    const o = this.options;
    return api.getCity(o.repoId, this.height, this.color, o.serverSettings);
  }

  private async load(): Promise<void> {
    const o = this.options;
    this.status.textContent = 'Building the city…';
    try {
      const [reply, files] = await Promise.all([
        this.fetch(),
        api.getFiles(o.repoId, o.serverSettings)
      ]);
      this.files = new Map(files.items.map(f => [f.path, f]));
      if (this.isDisposed) {
        return;
      }
      const model = new LabCityModel(
        reply,
        path => this.details(path),
        id => this.view?.paths.path(id) ?? ''
      );
      model.on('change:selected', (path: string) => {
        if (path && !this.quiet) {
          o.onOpen(path);
        }
      });
      this.model = model;
      this.cleanup = render({ model, el: this.host });
      this.paintPeople(new Set());
      this.status.textContent = `${reply.paths.toLocaleString('en-US')} files · click a building to open it`;
    } catch (error) {
      this.showError(error);
    }
  }

  private async reload(): Promise<void> {
    if (!this.model) {
      return;
    }
    this.status.textContent = 'Updating…';
    try {
      this.model.update(await this.fetch());
      this.paintPeople(new Set());
      this.status.textContent = '';
    } catch (error) {
      this.status.textContent = messageOf(error);
    }
  }

  private showError(error: unknown): void {
    const box = document.createElement('div');
    box.className = 'jp-CodePark-error';
    box.setAttribute('role', 'alert');
    box.textContent = `The city could not be drawn: ${messageOf(error)}`;
    this.host.replaceChildren(box);
    this.status.textContent = '';
  }

  private details(path: string): Record<string, unknown> {
    const here = this.people.get(path);
    const people = here?.length
      ? { 'here now': here.map(p => p.name).join(', ') }
      : {};
    const f = this.files.get(path);
    if (!f) {
      return { status: 'deleted', ...people };
    }
    const out: Record<string, unknown> = { ...people };
    for (const k of DETAIL_KEYS) {
      if (f[k] !== null && f[k] !== undefined) {
        out[k] = f[k];
      }
    }
    return out;
  }

  protected onCloseRequest(msg: Message): void {
    super.onCloseRequest(msg);
    this.dispose();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.cleanup?.();
    this.cleanup = undefined;
    this.model?.off();
    super.dispose();
  }

  private height: string;
  private color: string;
  private readonly host: HTMLDivElement;
  private readonly status: HTMLSpanElement;
  private model?: LabCityModel;
  private files = new Map<string, CodePark.IFile>();
  private cleanup?: () => void;
  private quiet = false;
  private readonly peopleBar: HTMLSpanElement;
  private people = new Map<string, ICityPerson[]>();
  private peopleKey = '';
}
