// The HTML report's stylesheet, inlined so the file stands alone (no external URL anywhere).
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6670; --line: #d9dee3; --accent: #0b6bcb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0; background: #f6f7f9; }
main { max-width: 1400px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p, li { max-width: 110ch; }
.meta { color: var(--muted); margin: 0 0 12px; }
.meta code { color: var(--ink); }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0; }
dl.run dt { color: var(--muted); }
dl.run dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.notes { background: #fff7e0; border: 1px solid #f0d48a; border-radius: 6px; padding: 8px 14px; }
.notes li { margin: 3px 0; }
.scroll { overflow-x: auto; }
.scroll + .scroll { margin-top: 14px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 4px 5px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: #eef1f4; font-weight: 600; white-space: normal; vertical-align: bottom; min-width: 4em; }
th:first-child, td:first-child { text-align: left; }
tr.baseline td { background: #f3f6fa; font-style: italic; }
tr.budget-start td { border-top: 2px solid #aab4be; }
.legend { color: var(--muted); font-size: 12.5px; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12.5px; }
.worklist { display: grid; grid-template-columns: repeat(auto-fill, minmax(218px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fafbfc; break-inside: avoid; }
.card img, .card .none { display: block; width: 200px; height: 200px; margin: 0 auto 6px; border-radius: 3px; }
.card img { background: #000; }
.card .none { display: flex; align-items: center; justify-content: center; text-align: center;
  color: var(--muted); background: #eceff2; font-size: 12px; padding: 6px; }
.card .what { font-weight: 600; }
.card .nums, .card .picked, .card .shown { color: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; }
.card .organs { margin: 2px 0; padding-left: 16px; font-size: 12.5px; font-variant-numeric: tabular-nums; }
.card .organs li { margin: 0; }
.bad { color: #b42318; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@media print {
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  .legend, figcaption { font-size: 10px; }
  table { font-size: 8.5px; }
  th, td { padding: 2px 3px; white-space: normal; }
  th { min-width: 0; }
  h2 { break-after: avoid; }
  tr, figure, .card { break-inside: avoid; }
  .worklist { grid-template-columns: repeat(3, 1fr); }
}
`;
