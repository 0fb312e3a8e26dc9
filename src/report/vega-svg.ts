import type { TopLevelSpec } from 'vega-lite';

// Renders a vega-lite spec to a standalone SVG string in Node (no browser, no canvas): the
// report's plots are drawn by vega, never by hand. Data must be inline (nothing is fetched).
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec).spec;
  // Errors only: vega's warnings (e.g. an empty extent) would go to the user's terminal.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
