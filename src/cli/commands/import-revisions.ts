import { defineCommand } from '../command.js';
import { stringFlag, text } from '../flags.js';

// `sentinel import-revisions`: the annotators' corrected masks back into an al-run run folder;
// then the round's fine-tune, evaluation and the next round's worklist (docs/annotation-loop.md).
const importRevisions = defineCommand({
  description:
    'Import corrected masks of a review round, fine-tune, evaluate, write the next round',
  usage: 'sentinel import-revisions --run runs/NAME --from FOLDER --by NAME',
  flags: {
    run: stringFlag('DIR', 'the run folder of al-run ... --export-worklist', text),
    from: stringFlag(
      'DIR',
      "the returned folder: <case>_seg.nii.gz masks at any depth (e.g. the run's review/round-1); leave out to finish a round already imported",
      text.optional(),
    ),
    by: stringFlag('NAME', 'who revised the masks (recorded with each)', text.optional()),
  },
  async run({ flags }) {
    const { runImportCommand } = await import('../../experiment/review/import-command.js');
    return runImportCommand({ runDir: flags.run, from: flags.from, by: flags.by });
  },
});
export default importRevisions;
