import type { ClassMap } from '../volume/class-map.js';

// The organs every phantom contains, named as TotalSegmentator names them, with the label
// value each has in the phantom label maps (0 is background).
export const PHANTOM_ORGANS = [
  { label: 1, name: 'liver' },
  { label: 2, name: 'spleen' },
  { label: 3, name: 'kidney_left' },
  { label: 4, name: 'kidney_right' },
  { label: 5, name: 'pancreas' },
  { label: 6, name: 'gallbladder' },
  { label: 7, name: 'stomach' },
  { label: 8, name: 'aorta' },
  { label: 9, name: 'inferior_vena_cava' },
] as const;

// One phantom organ's name.
export type PhantomOrganName = (typeof PHANTOM_ORGANS)[number]['name'];

// The label value of an organ, by name.
export function organLabel(name: PhantomOrganName): number {
  const organ = PHANTOM_ORGANS.find((o) => o.name === name);
  if (!organ) throw new Error(`unknown phantom organ ${name}`);
  return organ.label;
}

// The phantom class map as the engine contract writes it: {"1": "liver", ...}.
export function phantomClassMap(): ClassMap {
  return Object.fromEntries(PHANTOM_ORGANS.map((o) => [String(o.label), o.name]));
}

// The labels map as nnU-Net's dataset.json writes it: {"background": 0, "liver": 1, ...}.
export function phantomDatasetLabels(): Record<string, number> {
  return { background: 0, ...Object.fromEntries(PHANTOM_ORGANS.map((o) => [o.name, o.label])) };
}
