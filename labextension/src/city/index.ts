/**
 * The CodeCity renderer as an anywidget front-end module (`{ initialize, render }`). The same
 * module is bundled by esbuild into the notebook widget and imported by the lab extension, which
 * hosts it with any object implementing `ICityModel`.
 */
import { ICityModel } from './model';
import { ensureStyles } from './styles';
import { CityView } from './view';

export { CityView } from './view';
export type { ICityModel, IHighlight } from './model';

export function initialize({ model }: { model: ICityModel }): () => void {
  return () => undefined;
}

/** Draw the city into `el`; the returned function frees the view (and its WebGL context). */
export function render({
  model,
  el
}: {
  model: ICityModel;
  el: HTMLElement;
}): () => void {
  ensureStyles(el.ownerDocument);
  const root = el.ownerDocument.createElement('div');
  el.appendChild(root);
  const view = new CityView(model, root);
  return () => {
    view.dispose();
    root.remove();
  };
}

export default { initialize, render };
