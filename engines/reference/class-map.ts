import { UserError } from '../../src/errors.js';

// The order of classes inside the engine: class 0 is background, class k is the k-th label
// value of the request's class map in ascending order.
export interface ClassOrder {
  labels: number[];
  names: string[];
  // Label value (0..255) -> class index; label values outside the map count as background.
  classOfLabel: Uint8Array;
}

// The class order of a contract class map ({"1": "liver", ...}).
export function classOrder(classes: Record<string, string>): ClassOrder {
  const labels = Object.keys(classes)
    .map(Number)
    .sort((a, b) => a - b);
  for (const label of labels) {
    if (label > 255) throw new UserError(`class label ${label} is above 255 (masks are uint8)`);
  }
  const classOfLabel = new Uint8Array(256);
  labels.forEach((label, index) => {
    classOfLabel[label] = index + 1;
  });
  return { labels, names: labels.map((label) => classes[String(label)]!), classOfLabel };
}

// Fails unless a checkpoint was trained for the same labels as the request asks for.
export function assertSameLabels(
  checkpointLabels: number[],
  order: ClassOrder,
  path: string,
): void {
  const same =
    checkpointLabels.length === order.labels.length &&
    checkpointLabels.every((label, i) => label === order.labels[i]);
  if (!same) {
    throw new UserError(
      `checkpoint ${path} was trained for labels [${checkpointLabels.join(', ')}], ` +
        `the request's class map has [${order.labels.join(', ')}]`,
      { hint: 'use the same class map for training and prediction' },
    );
  }
}
