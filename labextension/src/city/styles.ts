/** The city's CSS, injected once per document so the one module works in any host. */
const CSS = `
.cp-city { position: relative; overflow: hidden; font-family: var(--jp-ui-font-family, sans-serif);
  font-size: var(--jp-ui-font-size1, 13px); color: var(--jp-ui-font-color1, #333);
  background: var(--jp-layout-color0, #fff); border: 1px solid var(--jp-border-color2, #ddd);
  user-select: none; display: flex; flex-direction: column; box-sizing: border-box; }
.cp-city-stage { position: relative; flex: 1; min-height: 0; overflow: hidden; }
.cp-city-canvas { display: block; width: 100%; height: 100%; outline: none; touch-action: none; }
.cp-city-labels { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
.cp-city-label { position: absolute; left: 0; top: 0; white-space: nowrap; font-size: 11px;
  opacity: 0.85; margin: -14px 0 0 2px; text-shadow: 0 0 3px var(--jp-layout-color0, #fff); }
.cp-city-bar { flex: none; display: flex; gap: 6px; align-items: center; padding: 4px 6px;
  background: var(--jp-layout-color1, #fafafa); border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.cp-city-bar button { font: inherit; color: inherit; background: var(--jp-layout-color2, #eee);
  border: 1px solid var(--jp-border-color1, #ccc); border-radius: 2px; padding: 1px 6px;
  cursor: pointer; }
.cp-city-title { font-weight: 600; margin-right: 4px; }
.cp-city-slider { flex: 1; min-width: 80px; }
.cp-city-time { min-width: 90px; font-variant-numeric: tabular-nums; }
.cp-city-legend { position: absolute; left: 6px; bottom: 6px; padding: 4px 6px; max-width: 45%;
  max-height: 45%; overflow: auto; background: var(--jp-layout-color1, #fafafa);
  border: 1px solid var(--jp-border-color2, #ddd); opacity: 0.92; }
.cp-city-legend-title { font-weight: 600; margin-bottom: 2px; }
.cp-city-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
  vertical-align: middle; border: 1px solid var(--jp-border-color2, #ccc); }
.cp-city-ramp { width: 160px; height: 10px; margin: 2px 0; }
.cp-city-legend input { width: 64px; font: inherit; color: inherit;
  background: var(--jp-layout-color0, #fff); border: 1px solid var(--jp-border-color1, #ccc); }
.cp-city-status { position: absolute; right: 6px; bottom: 6px; font-size: 11px; opacity: 0.8; }
.cp-city-tooltip { position: absolute; pointer-events: none; display: none; z-index: 2;
  padding: 4px 6px; max-width: 380px; background: var(--jp-layout-color1, #fff);
  border: 1px solid var(--jp-border-color1, #ccc); box-shadow: 0 1px 4px rgba(0,0,0,0.25); }
.cp-city-tooltip b { word-break: break-all; }
.cp-city-tooltip table { border-collapse: collapse; margin-top: 2px; }
.cp-city-tooltip td { padding: 0 6px 0 0; }
`;

export function ensureStyles(doc: Document): void {
  if (doc.getElementById('cp-city-styles')) {
    return;
  }
  const style = doc.createElement('style');
  style.id = 'cp-city-styles';
  style.textContent = CSS;
  doc.head.appendChild(style);
}
