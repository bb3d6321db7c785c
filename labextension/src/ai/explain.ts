import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

import { codeparkIcon } from '../icons';
import { factRows } from './logic';
import { AI } from './types';

const RENDER_EVERY_MS = 120;
let count = 0;

/** A main-area view of an explanation: the text (Markdown, streaming in) and its facts. */
export class ExplainView extends Widget {
  constructor(
    readonly where: string,
    private readonly rendermime: IRenderMimeRegistry | null
  ) {
    super();
    this.id = `jp-codepark-explain-${++count}`;
    this.addClass('jp-CodePark-explain');
    this.title.label = `Explain: ${where.split('/').pop()}`;
    this.title.caption = `CodePark explains ${where}`;
    this.title.icon = codeparkIcon;
    this.title.closable = true;
    const head = document.createElement('h2');
    head.textContent = `CodePark explains ${where}`;
    this.status.className = 'jp-CodePark-muted';
    this.status.textContent = 'Asking…';
    this.body.className = 'jp-CodePark-explainText';
    this.facts.className = 'jp-CodePark-explainFacts';
    this.footer.className = 'jp-CodePark-muted jp-CodePark-small';
    this.node.append(head, this.status, this.body, this.facts, this.footer);
  }

  /** Text as it streams in (rendered at most every RENDER_EVERY_MS). */
  append(text: string): void {
    this.text += text;
    this.status.textContent = 'Writing…';
    if (this.timer === null) {
      this.timer = window.setTimeout(() => {
        this.timer = null;
        void this.render();
      }, RENDER_EVERY_MS);
    }
  }

  /** The final answer: its whole text and its facts. */
  async finish(answer: AI.IAnswer): Promise<void> {
    if (this.timer !== null) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
    this.text = answer.text;
    await this.render();
    this.status.textContent = answer.cached ? 'From the cache.' : '';
    this.facts.replaceChildren();
    const rows = factRows(answer.facts);
    if (rows.length) {
      const h = document.createElement('h3');
      h.textContent = 'Facts';
      const dl = document.createElement('dl');
      for (const row of rows) {
        const dt = document.createElement('dt');
        dt.textContent = row.label;
        const dd = document.createElement('dd');
        dd.textContent = row.value;
        dl.append(dt, dd);
      }
      this.facts.append(h, dl);
    }
    this.footer.textContent = answer.generated_by;
  }

  fail(message: string): void {
    this.status.textContent = message;
    this.status.className = 'jp-CodePark-error';
  }

  private async render(): Promise<void> {
    if (!this.rendermime) {
      this.body.textContent = this.text;
      return;
    }
    const renderer = this.rendermime.createRenderer('text/markdown');
    await renderer.renderModel(
      new MimeModel({ data: { 'text/markdown': this.text }, trusted: false })
    );
    this.body.replaceChildren(renderer.node);
  }

  private text = '';
  private timer: number | null = null;
  private readonly status = document.createElement('p');
  private readonly body = document.createElement('div');
  private readonly facts = document.createElement('div');
  private readonly footer = document.createElement('p');
}
