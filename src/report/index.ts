// The report API in one import: read a run, build its report, write it; compare two runs.
export { type RunData, loadRun } from './load-run.js';
export {
  type BuildReportOptions,
  type Report,
  type RunSummary,
  buildReport,
} from './build-report.js';
export { REPORT_FORMATS, type ReportFormat } from './report-formats.js';
export { writeReport } from './write-report.js';
export { type Comparison, compareRuns } from './compare-runs.js';
export { writeComparison } from './compare-output.js';
export { type MethodRow, type OverSeeds, RANDOM_METHOD, buildMethodTable } from './method-table.js';
export { type SeedMean, seedMeans } from './seed-means.js';
export {
  type CostFigures,
  fineTuneCost,
  qualityEstimationCost,
  sharedCost,
} from './method-costs.js';
export {
  ORACLE_METHOD,
  type RankingQuality,
  type RankingRow,
  rankingQuality,
} from './ranking-quality.js';
export {
  QS_METHOD,
  type Worklist,
  type WorklistEntry,
  type WorklistOrgan,
  buildWorklist,
} from './worklist.js';
export { type Thumbnail, drawWorklistThumbnails } from './worklist-thumbnails.js';
export { THUMBNAIL_SIZE, THUMBNAIL_WINDOW, drawThumbnail } from './draw-thumbnail.js';
export { renderVegaLiteSvg } from './vega-svg.js';
