/**
 * LiveDisplay in a tslab kernel: tslab sends each display on a zeromq socket without waiting, and zeromq refuses
 * a second send while one is in flight (EBUSY kills the kernel), so a display updated once per training batch
 * must write at most every 100 ms, and still end on the last bundle given.
 */
import { expect } from 'chai';
import { LiveDisplay } from '../../../src/course/viz/display';

type Written = { text: unknown; update: boolean; at: number };

describe('LiveDisplay', () => {
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  let written: Written[];
  beforeEach(() => {
    written = [];
    jupyter.lastWriteDisplayData = (d: { data: Record<string, unknown> }, update: boolean) =>
      written.push({ text: d.data['text/plain'], update, at: Date.now() });
  });
  afterEach(() => {
    jupyter.lastWriteDisplayData = null;
  });

  it('writes at most every 100 ms however often it is updated, and ends on the last update', async () => {
    const display = new LiveDisplay();
    const start = Date.now();
    for (let i = 0; Date.now() - start < 350; i++) {
      display.show({ 'text/plain': `batch ${i}` });
      await new Promise((resolve) => setImmediate(resolve)); // what a training loop yields between batches
    }
    display.show({ 'text/plain': 'done' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(written.length).to.be.within(2, 6); // not one per batch
    expect(written.map((w) => w.update)).to.deep.equal([false, ...written.slice(1).map(() => true)]);
    for (let i = 1; i < written.length; i++) expect(written[i]!.at - written[i - 1]!.at).to.be.at.least(99);
    expect(written.at(-1)!.text).to.equal('done');
  });

  it('says it showed nothing outside a kernel', () => {
    jupyter.lastWriteDisplayData = null;
    expect(new LiveDisplay().show({ 'text/plain': 'x' })).to.equal(false);
  });
});
