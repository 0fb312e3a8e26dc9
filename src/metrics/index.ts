// The metrics other parts use: Dice, NSD, the distance transform, and the report's statistics.

export { diceBinary, diceFromCounts, dicePerLabel } from './dice.js';
export {
  type Dims3,
  type Spacing3,
  distanceTransform,
  squaredDistanceTransform,
} from './distance-transform.js';
export { type LabelMetrics, type LabelMetricsOptions, metricsPerLabel } from './label-metrics.js';
export { type LabelOverlap, countLabelOverlap } from './label-overlap.js';
export { type SurfaceDiceCounts, nsdFromCounts, surfaceDiceBinary } from './nsd.js';
export { averageRanks, pearson, spearman } from './correlation.js';
export { mean, sampleStd, withoutNaN } from './descriptive.js';
export { type PairedTTest, pairedTTest } from './paired-t-test.js';
export { averagePrecisionAtK, meanAveragePrecisionAtK } from './map-at-k.js';
