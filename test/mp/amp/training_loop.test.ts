/**
 * The canonical AMP loop's pieces against torch (test/fixtures/torch_amp_loop.json, test/oracles/torch_amp_loop.py):
 * the scaler's state_dict and load_state_dict, unscaling then clip_grad_norm_ with the skip of a non-finite step,
 * and gradient accumulation under a loss scaler.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  DisabledLossScaler,
  DynamicLossScaler,
  getFormat,
  LOSS_SCALE_PRESETS,
  LossScaleOptimizer,
  OptionError,
  StaticLossScaler,
  useBackend,
  type ScalerStateDict,
} from '../../../src/mp';
import { GradientAccumulator } from '../../../src/mp/amp/accumulate';
import { clipGradNorm } from '../../../src/mp/amp/clip';
import { fixture, floatsFromBits } from '../../helpers';

interface Fixture {
  state_dicts: {
    config: { init_scale: number; growth_factor: number; backoff_factor: number; growth_interval: number };
    overflow: boolean[];
    trace: ScalerStateDict[];
    resume_after: number;
    resumed: ScalerStateDict[];
  };
  clip: {
    name: string;
    /** Unscaled gradients, as float32 bit patterns. */
    grads: number[][];
    scale: number;
    max_norm: number;
    total_norm: number[];
    clipped: number[][];
    stepped: boolean;
    params_after: number[][];
    scale_after: number;
  }[];
  accumulation: {
    x: number[][];
    y: number[][];
    w: number[][];
    micro_batch: number;
    micro_batches: number;
    scale: number;
    accumulated_grad: number[];
    full_batch_grad: number[];
  };
}
const torch = fixture<Fixture>('torch_amp_loop.json');
const EPS = getFormat('float32').epsilon;

/** |a − b| ≤ ulps float32 spacings of the larger magnitude, elementwise. */
function closeInUlps(a: ArrayLike<number>, b: ArrayLike<number>, ulps: number): void {
  expect(a.length).to.equal(b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue; // ±Infinity, and exact matches
    const tol = ulps * EPS * Math.max(Math.abs(a[i]!), Math.abs(b[i]!));
    expect(Math.abs(a[i]! - b[i]!), `element ${i}: ${a[i]} vs ${b[i]}`).to.be.at.most(tol);
  }
}

describe("the scaler's state dict (torch's GradScaler.state_dict)", () => {
  before(async () => {
    await useBackend('wasm');
  });
  const { config, overflow, trace, resume_after, resumed } = torch.state_dicts;
  const fromConfig = (): DynamicLossScaler =>
    new DynamicLossScaler({
      initScale: config.init_scale,
      growthFactor: config.growth_factor,
      backoffFactor: config.backoff_factor,
      growthInterval: config.growth_interval,
    });

  it("equals torch's state_dict after every step, on the host and on the device", () => {
    for (const onDevice of [false, true]) {
      const scaler = fromConfig();
      const ours = overflow.map((o) => {
        if (onDevice) tf.tidy(() => scaler.updateOnDevice(tf.scalar(o, 'bool')));
        else scaler.update(o);
        return scaler.stateDict();
      });
      expect(ours, onDevice ? 'device' : 'host').to.deep.equal(trace);
    }
  });

  it("a scaler built with other settings continues exactly as torch's after loadStateDict", () => {
    const first = fromConfig();
    overflow.slice(0, resume_after).forEach((o) => first.update(o));
    const fresh = new DynamicLossScaler({ initScale: 3, growthFactor: 4, backoffFactor: 0.25, growthInterval: 7 });
    fresh.loadStateDict(first.stateDict());
    const ours = overflow.slice(resume_after).map((o) => {
      fresh.update(o);
      return fresh.stateDict();
    });
    expect(ours).to.deep.equal(resumed);
  });

  it('loads into device state too', () => {
    const scaler = fromConfig();
    tf.tidy(() => scaler.updateOnDevice(tf.scalar(false, 'bool'))); // the state now lives in tensors
    scaler.loadStateDict(trace[resume_after - 1]!);
    expect(scaler.stateDict()).to.deep.equal(trace[resume_after - 1]);
  });

  it("keeps DeepSpeed's hysteresis left, which torch has no entry for", () => {
    const scaler = new DynamicLossScaler(LOSS_SCALE_PRESETS.deepspeed);
    scaler.update(true); // absorbed by the hysteresis: the scale holds, one overflow is spent
    const saved = scaler.stateDict();
    expect(saved._hysteresis_left).to.equal(1);
    const restored = new DynamicLossScaler(LOSS_SCALE_PRESETS.deepspeed);
    restored.loadStateDict(saved);
    [scaler, restored].forEach((s) => s.update(true));
    expect(restored.scale)
      .to.equal(scaler.scale)
      .and.to.equal(2 ** 15);
  });

  it('saves nothing for a disabled or a static scaler, and loading into them does nothing', () => {
    for (const scaler of [new DisabledLossScaler(), new StaticLossScaler(128)]) {
      expect(scaler.stateDict()).to.deep.equal({});
      scaler.loadStateDict(trace[0]!);
      expect(scaler.stateDict()).to.deep.equal({});
    }
  });

  it('rejects an empty, incomplete or malformed state with the entry named', () => {
    const scaler = fromConfig();
    expect(() => scaler.loadStateDict({})).to.throw(OptionError, /empty/);
    const { _growth_tracker: _, ...missing } = trace[0]!;
    expect(() => scaler.loadStateDict(missing)).to.throw(OptionError, /_growth_tracker/);
    expect(() => scaler.loadStateDict({ ...trace[0]!, growth_factor: 0.5 })).to.throw(OptionError, /growthFactor/);
    expect(() => scaler.loadStateDict({ ...trace[0]!, scale: -1 })).to.throw(OptionError, /scale/);
    expect(() => scaler.loadStateDict({ ...trace[0]!, growthTracker: 1 } as never)).to.throw(OptionError, /Valid/);
    expect(scaler.stateDict(), 'nothing changed').to.deep.equal({ ...trace[0]!, scale: 1024, _growth_tracker: 0 });
  });
});

describe("unscale, then clip by the global norm (torch's unscale_ and clip_grad_norm_)", () => {
  before(async () => {
    await useBackend('wasm');
  });

  for (const [k, c] of torch.clip.entries()) {
    it(c.name, async () => {
      const names = c.grads.map((_, i) => `clip_${k}_${i}`);
      const gradients = c.grads.map((g) => Array.from(floatsFromBits(g)));
      const vars = gradients.map((g, i) => tf.variable(tf.zeros([g.length]), true, names[i]));
      const scaler = new DynamicLossScaler({ initScale: c.scale });
      const opt = new LossScaleOptimizer(tf.train.sgd(0.5), scaler);
      // the loss Σ gᵢ·wᵢ has exactly these gradients; the optimizer scales, backpropagates and unscales
      const loss = (): tf.Scalar =>
        tf.addN(
          vars.map((v, i) => tf.sum(tf.mul(v, tf.tensor1d(gradients[i]!.map((g) => (g === Infinity ? 1 : g)))))),
        ) as tf.Scalar;
      const { value, grads } = opt.computeGradients(loss, vars);
      // an overflow is written into the gradient, as the fixture writes it after backward
      const written = Object.fromEntries(
        names.map((n, i) => [n, gradients[i]!.includes(Infinity) ? tf.tensor1d(gradients[i]!) : grads[n]!]),
      );
      const { grads: clipped, totalNorm } = clipGradNorm(written, c.max_norm);
      closeInUlps(await totalNorm.data(), floatsFromBits(c.total_norm), 2);
      if (c.stepped) {
        for (const [i, n] of names.entries()) closeInUlps(await clipped[n]!.data(), floatsFromBits(c.clipped[i]!), 4);
      } else {
        expect(Array.from(await clipped[names[0]!]!.data())[0], 'the overflow stays visible').to.equal(Infinity);
      }
      opt.applyGradients(clipped);
      expect(await opt.lastStepSkipped()).to.equal(!c.stepped);
      for (const [i, v] of vars.entries()) closeInUlps(await v.data(), floatsFromBits(c.params_after[i]!), 4);
      expect(scaler.scale).to.equal(c.scale_after);
      tf.dispose([
        value,
        totalNorm,
        ...Object.values(grads),
        ...Object.values(clipped),
        ...Object.values(written),
        ...vars,
      ]);
      opt.dispose();
    });
  }

  it('clips nothing, and leaks nothing, when the norm is small', () => {
    const g = { a: tf.tensor1d([0.3, 0.4]) };
    const before = tf.memory().numTensors;
    const { grads, totalNorm } = clipGradNorm(g, 1);
    expect(tf.memory().numTensors - before).to.equal(2);
    expect(Array.from(grads.a!.dataSync())).to.deep.equal(Array.from(g.a.dataSync()));
    expect(totalNorm.dataSync()[0]).to.be.closeTo(0.5, 1e-7);
    tf.dispose([g.a, grads.a!, totalNorm]);
  });

  it('rejects a max norm that is not a finite positive number', () => {
    for (const bad of [0, -1, Infinity, NaN]) {
      expect(() => clipGradNorm({}, bad)).to.throw(OptionError, /maxNorm must be a finite number > 0/);
    }
  });
});

describe('gradient accumulation under a loss scaler', () => {
  before(async () => {
    await useBackend('wasm');
  });
  const a = torch.accumulation;

  it("sums micro-batch gradients as torch's .grad does, and matches the full batch", async () => {
    const w = tf.variable(tf.tensor2d(a.w), true, 'accumulate_w');
    const opt = new LossScaleOptimizer(tf.train.sgd(0.1), new DynamicLossScaler({ initScale: a.scale }));
    const acc = new GradientAccumulator();
    for (let i = 0; i < a.micro_batches; i++) {
      const rows = (m: number[][]): tf.Tensor2D => tf.tensor2d(m.slice(i * a.micro_batch, (i + 1) * a.micro_batch));
      const [x, y] = [rows(a.x), rows(a.y)];
      const loss = (): tf.Scalar =>
        tf.div(tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))), a.micro_batches) as tf.Scalar;
      const { value, grads } = opt.computeGradients(loss, [w]);
      acc.add(grads);
      tf.dispose([x, y, value, ...Object.values(grads)]);
    }
    expect(acc.count).to.equal(a.micro_batches);
    const sums = acc.take();
    const ours = await sums.accumulate_w!.data();
    closeInUlps(ours, floatsFromBits(a.accumulated_grad), 4);
    closeInUlps(ours, floatsFromBits(a.full_batch_grad), 4);
    expect(acc.count).to.equal(0);
    tf.dispose([w, ...Object.values(sums)]);
    opt.dispose();
  });

  it('rejects micro-batches with different variables, and a take() with nothing added', () => {
    const acc = new GradientAccumulator();
    expect(() => acc.take()).to.throw(OptionError, /at least one add/);
    const g = tf.scalar(1);
    acc.add({ a: g });
    expect(() => acc.add({ b: g })).to.throw(OptionError, /same variables: a\. Received: b/);
    acc.dispose();
    g.dispose();
  });

  it('keeps a micro-batch overflow visible in the sum, so the step is skipped', () => {
    const acc = new GradientAccumulator();
    const [g1, g2] = [tf.tensor1d([1, Infinity]), tf.tensor1d([1, -Infinity])];
    acc.add({ a: g1 });
    acc.add({ a: g2 });
    const sums = acc.take();
    expect(Array.from(sums.a!.dataSync())).to.deep.equal([2, NaN]);
    tf.dispose([g1, g2, sums.a!]);
  });
});

describe('a checkpoint of LossScaleOptimizer after skipped steps', () => {
  before(async () => {
    await useBackend('wasm');
  });

  it("restores Adam's bias corrections: the resumed run equals the uninterrupted one", async () => {
    const w = tf.variable(tf.tensor1d([0.5, -1.5, 2]), true, 'checkpoint_w');
    const loss = (k: number) => (): tf.Scalar =>
      tf.sum(tf.mul(tf.square(tf.sub(w, k)), tf.tensor1d([1, 2, 3]))) as tf.Scalar;
    // a step's loss is inf where k is Infinity: its gradient overflows and the step is skipped
    const ks = [1, Infinity, 2, Infinity, 3, 1, 2, 3];
    const opt = new LossScaleOptimizer(tf.train.adam(0.1), new DynamicLossScaler({ initScale: 2 ** 8 }));
    ks.slice(0, 5).forEach((k) => opt.minimize(loss(k), false, [w]));
    const saved = {
      w: w.clone(),
      optimizer: (await opt.getWeights()).map((x) => ({ name: x.name, tensor: x.tensor.clone() })),
      scaler: opt.scaler.stateDict(),
    };
    expect(saved.optimizer[0]!.tensor.dataSync()[0], 'steps that went through').to.equal(3);
    ks.slice(5).forEach((k) => opt.minimize(loss(k), false, [w]));
    const uninterrupted = Array.from(w.dataSync());

    w.assign(saved.w);
    const scaler = new DynamicLossScaler();
    scaler.loadStateDict(saved.scaler);
    const resumed = new LossScaleOptimizer(tf.train.adam(0.1), scaler);
    await resumed.setWeights(saved.optimizer);
    ks.slice(5).forEach((k) => resumed.minimize(loss(k), false, [w]));
    expect(Array.from(w.dataSync())).to.deep.equal(uninterrupted);
    tf.dispose([w, saved.w, ...saved.optimizer.map((x) => x.tensor)]);
    opt.dispose();
    resumed.dispose();
  });
});
