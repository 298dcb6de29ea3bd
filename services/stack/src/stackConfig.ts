/** Read a StackConfig file (`drillbook tune`'s recommended.json) for `npm run stack -- --config FILE`. */
import { readFileSync } from 'node:fs';
import { parseStackConfig, type StackConfigFile } from '@drillbook/contracts';

export function readStackConfig(file: string): StackConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`could not read stack config ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseStackConfig(text, file);
}
