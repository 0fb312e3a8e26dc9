import type { Command } from '../command.js';

// `sentinel info FILE... [--json]`: placeholder wired for the volume work (issue 2).
const info: Command = {
  description: 'Describe NIfTI files: dims, datatype, spacing, orientation, value range',
  usage: 'sentinel info FILE... [--json]',
  options: { json: { type: 'boolean', default: false } },
  allowPositionals: true,
  async run() {
    return 0;
  },
};
export default info;
