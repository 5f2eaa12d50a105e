import { DiffalignError } from '../ports/errors.js';

/** A harvest option is malformed (a date that is not `YYYY-MM-DD`, `from` after `to`, a negative margin, …). */
export class HarvestOptionsError extends DiffalignError {
  readonly option: string;
  constructor(option: string, message: string) {
    super('invalid_harvest_options', `${option}: ${message}`);
    this.option = option;
  }
}

/** The output directory holds files that are not an earlier harvest's, so the harvest will not write there. */
export class HarvestOutputError extends DiffalignError {
  readonly directory: string;
  constructor(directory: string) {
    super('harvest_output_not_empty', `${directory} is not empty and holds no earlier harvest (no manifest.json): choose an empty or new directory`);
    this.directory = directory;
  }
}
