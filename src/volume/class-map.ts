import { z } from 'zod';

// Class map: label value (as a decimal string, 1..255) -> organ name. 0 is background. It says
// what a label map's values mean, wherever one is read or written.
export const ClassMap = z.record(z.string().regex(/^[1-9][0-9]*$/), z.string().min(1));
export type ClassMap = z.infer<typeof ClassMap>;
