/**
 * The drill journal, persisted as it happens: every change is written atomically (temp file +
 * rename) to `journal.json` in the drill's directory, and handed to an optional sink (the
 * controller's database). A crash leaves the last complete journal behind, never half of one.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActivityRecord, DrillJournal } from '@drillbook/contracts';

export class JournalWriter {
  constructor(
    readonly journal: DrillJournal,
    private readonly file: string,
    private readonly sink?: (j: DrillJournal) => void,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.flush();
  }

  update(mutate: (j: DrillJournal) => void): void {
    mutate(this.journal);
    this.flush();
  }

  activity(id: string): ActivityRecord | undefined {
    return this.journal.activities.find((a) => a.id === id);
  }

  flush(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.journal, null, 2));
    renameSync(tmp, this.file);
    try {
      this.sink?.(this.journal);
    } catch {
      /* the file is the source of truth; a sink failure must not break the drill */
    }
  }
}
