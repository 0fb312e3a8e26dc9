import { loadRun } from '../report/load-run.js';
import { buildMethodTable } from '../report/method-table.js';
import { formatTable } from '../score/score-summary.js';

// The table printed at the end of a run: per method (and budget), Dice and NSD mean +- std over
// seeds, and the measured quality-estimation cost (per repeat).
export function printComparison(runDir: string, out: NodeJS.WritableStream = process.stdout): void {
  const rows = buildMethodTable(loadRun(runDir));
  const pm = (m: number, s: number) =>
    Number.isFinite(m) ? `${m.toFixed(3)} ± ${Number.isFinite(s) ? s.toFixed(3) : '-'}` : '-';
  const table = rows.map((r) => [
    r.isBaseline ? 'M0 (baseline)' : r.method,
    r.isBaseline ? '-' : String(r.budget),
    String(r.seeds.length),
    pm(r.dsc.mean, r.dsc.std),
    pm(r.nsd.mean, r.nsd.std),
    r.qeCost ? `${r.qeCost.wallS.toFixed(1)} s` : '-',
    r.qeCost ? `${(r.qeCost.peakRssBytes / 2 ** 20).toFixed(0)} MiB` : '-',
    r.qeCost ? `${(r.qeCost.diskBytes / 2 ** 20).toFixed(1)} MiB` : '-',
  ]);
  out.write(
    `\n${formatTable(['method', 'budget', 'seeds', 'Dice', 'NSD', 'QE time', 'QE peak RAM', 'QE disk'], table)}\n\n`,
  );
}
