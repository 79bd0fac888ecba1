/** Window losses recovered from trainMnist's running epoch means, on reports written by hand. */
import { expect } from 'chai';
import { OptionError, stepsToLoss, windowLossRecorder } from '../../../src/course/index';

describe('windowLossRecorder', () => {
  it('recovers each window mean from the running means, and skips the end-of-epoch report', () => {
    const rec = windowLossRecorder('x', { show: false });
    const base = { epochs: 2, batches: 4 };
    rec.onProgress({ ...base, epoch: 0, batch: 2, loss: 2 }); // batches 1–2 mean 2
    rec.onProgress({ ...base, epoch: 0, batch: 4, loss: 1.5 }); // batches 3–4 mean (4·1.5 − 2·2)/2 = 1
    rec.onProgress({ ...base, epoch: 0, batch: 4, loss: 1.5, valAccuracy: 0.9 });
    rec.onProgress({ ...base, epoch: 1, batch: 2, loss: 0.8 }); // a new epoch restarts the mean
    expect(rec.steps).to.deep.equal([2, 4, 6]);
    expect(rec.losses).to.deep.equal([2, 1, 0.8]);
    expect(stepsToLoss(rec, 1)).to.equal(4);
    expect(stepsToLoss(rec, 0.1)).to.equal(null);
    expect(() => stepsToLoss(rec, NaN)).to.throw(OptionError);
  });
});
