import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../src/apply/journal.js';
import { undoCommands } from '../../../src/apply/teardown.js';
import { renderCmd } from '../../../src/exec/command.js';
import { fileRemove, fileWrite } from '../../../src/ops/file.js';
import type { Op } from '../../../src/ops/op.js';

const entry = (op: Op, seq: number): JournalEntry => ({ seq, summary: op.summary, cmd: op.cmd, undo: op.undo, creates: op.creates, within: op.within, deletes: op.deletes, status: 'done' });
const undos = (entries: JournalEntry[]) => undoCommands(entries).map((u) => renderCmd(u.cmd).replace(/^\S*node \S*agent\.mjs/, 'agent'));

describe('a creation and a later deletion of one file', () => {
  const record = entry(fileWrite('/run/x/dns/net/web', ['172.18.0.3', 'web']), 1);
  const unregister = entry(fileRemove('/run/x/dns/net/web', 'unregister web', ['172.18.0.3', 'web']), 2);
  const again = entry(fileWrite('/run/x/dns/net/web', ['172.18.0.4', 'web']), 3);

  it('cancel out in a whole teardown: the file is gone already, neither undo runs', () => {
    expect(undos([record, unregister])).toEqual([]);
  });

  it('a rewind to between them undoes the deletion only: the record comes back as it was', () => {
    expect(undos([unregister])).toEqual(['agent write-file /run/x/dns/net/web 172.18.0.3 web']);
  });

  it('a re-creation after the deletion is undone as usual', () => {
    expect(undos([record, unregister, again])).toEqual(['agent remove-file /run/x/dns/net/web']);
  });
});
