/**
 * Speed work must not change a single bit: each row trains the seed's MLP for a short fixed run (2 epochs of
 * 1024 images, 16 steps) and pins the SHA-256 of its trained weights, and of what the run reports (losses,
 * accuracies, the loss scaler's counts), on wasm and on cpu. The digests were recorded from the code before the
 * fused kernels and the thread-count probe existed; every later change must reproduce them.
 *
 * To print the digests of the current code (to record a change that is meant to change results, with a reason):
 *     MP_PRINT_DIGESTS=1 npx mocha test/course/experiments/weights_digest.test.ts
 */
import { expect } from 'chai';
import { createHash } from 'crypto';
import {
  DynamicLossScaler,
  trainMnist,
  trainMnistFp8,
  useBackend,
  type TrainOptions,
  type TrainResult,
} from '../../../src/course/index';

const RUN = { epochs: 2, trainLimit: 1280 } as const;

/** The runs pinned: every policy, and each loss-scale path (dynamic, none, static, overflow and growth, underflow). */
const RUNS: Record<string, () => TrainOptions> = {
  float32: () => ({ policy: 'float32' }),
  mixed_float16: () => ({ policy: 'mixed_float16' }), // dynamic loss scale
  mixed_bfloat16: () => ({ policy: 'mixed_bfloat16' }),
  float16: () => ({ policy: 'float16' }),
  bfloat16: () => ({ policy: 'bfloat16' }),
  mixed_float8: () => ({ policy: 'mixed_float8' }), // per-tensor scaled casts
  'mixed_float16, no loss scale': () => ({ policy: 'mixed_float16', lossScale: 'none' }),
  'mixed_float16, static scale 1024': () => ({ policy: 'mixed_float16', lossScale: 1024 }),
  // 2^30 overflows float16's gradients: skipped steps and backoffs, then growths every 2 good steps
  'mixed_float16, overflow and growth': () => ({
    policy: 'mixed_float16',
    lossScale: new DynamicLossScaler({ initScale: 2 ** 30, growthInterval: 2 }),
  }),
  // gradients 2^16 times smaller: float16's underflow, and loss scaling as the fix
  'mixed_float16, loss × 2^-16': () => ({ policy: 'mixed_float16', lossMultiplier: 2 ** -16 }),
  'float32, loss × 2^-16': () => ({ policy: 'float32', lossMultiplier: 2 ** -16 }),
};

/** SHA-256 of the trained weights' float32 bits, and of the run's report. */
async function digest(result: TrainResult): Promise<{ weights: string; report: string }> {
  const hash = createHash('sha256');
  for (const w of result.model!.getWeights()) hash.update(new Uint8Array((await w.data()).buffer));
  result.model!.dispose();
  const { epochs, testAccuracy, valAccuracy, scaler } = result;
  const report = JSON.stringify({
    epochs: epochs.map(({ loss, valAccuracy: v }) => [loss, v]),
    testAccuracy,
    valAccuracy,
    scaler,
  });
  return { weights: hash.digest('hex'), report: createHash('sha256').update(report).digest('hex') };
}

const EXPECTED: Record<'wasm' | 'cpu', Record<string, { weights: string; report: string }>> = {
  wasm: {
    float32: {
      weights: '61ffe59bbb790a06c098dc5e5232fcb952d83a3905e7c0f7eff6ae9c1a65397f',
      report: '400de201e19a249ff3008b962c12b4930ec0efa4e1d019da32daf41cd314cdd6',
    },
    mixed_float16: {
      weights: 'fcb02c7199900ed81c4d49023c7ae9695c9a11b8bb5af688f86dbbce5ebb830c',
      report: '606f28564f9f9bfdf7b8641b4f2e2b8c2cbe66840d0378ed42d998e626664119',
    },
    mixed_bfloat16: {
      weights: 'b043220e14b5809a320d599afde9fda44553c82b77d14e12ed2ea12e978f8b67',
      report: '012b06d881c214a5a1f3cc5fd0eaca3f88f18cf9ee30aab4aebb1dbfd4d5234c',
    },
    float16: {
      weights: 'c7c779baff10a229fb20ef80611bdf9b46fbb338aafb9cc995aac395e5ccd94c',
      report: '067ea6449568d6645f6362f2b01015da7767c9620e1bdfcee0e325f2a8d6bb05',
    },
    bfloat16: {
      weights: '4bef476d48d7ad5d92342cfa6449a486edf9e0cd859d3e773710dec288e036eb',
      report: '81dbe80bf334910b7136621d58311db033354574c46688ea87a58572bfa30668',
    },
    mixed_float8: {
      weights: '6627b40e8b3210df80c7c55eb305e65432122b4ac63bd22d017dc8b9523ca432',
      report: '4d67dac6f6a573d415159988e07011e35e52c8f7ffa4d6d269d5878cf8969a10',
    },
    'mixed_float16, no loss scale': {
      weights: '762a2fcf352f49cfa302ea8cb7f57728f23d9215a98ee4b22190119c078cc1bf',
      report: 'b553f727ffb86d1a3ab6fe678cf1923b88e074b0f32489ac7c829e41f2d2490d',
    },
    'mixed_float16, static scale 1024': {
      weights: '4b6e42e982c34386328baebc45b44fbe884948d58ae23d02c1150957b308dba1',
      report: '54cd02a41235ca11b7d53ee20be01aff9018de38fd7672cc307f766f9cdef2a2',
    },
    'mixed_float16, overflow and growth': {
      weights: 'e49e73791934eda7d2343627b3e394165424489f4a2b9315aea4cd3b53b3689f',
      report: '5baa21825b14e33fb0f0cf27c7bf01a705ce27154c3f05bd4da7c0aa0c286239',
    },
    'mixed_float16, loss \u00d7 2^-16': {
      weights: '8c01b91cc54b77f90e13d375f9656a7593eb5fa52c4741a6a7a5a8380688076c',
      report: 'ede079d69022b09fd012582a8b94b7715b76ddf334413bc19e7cea19ab2e931f',
    },
    'float32, loss \u00d7 2^-16': {
      weights: 'c8f37bac30d7e2d28d81798eb32b938349ce67d3dfabcbcc60aa26218f8a2d59',
      report: 'aaf35533809e4e626961addd872642a8567f603b7b828112aa96c205a3d5fbcb',
    },
  },
  cpu: {
    float32: {
      weights: '96e7d92d8d1585161ec30d749f3aba5499c51dd6132bbaa6c60587f7c96c3488',
      report: '7e5c200688762f34b96fa98e83ed436f288f4acb6a28b36960f5e199e6e82156',
    },
    mixed_float16: {
      weights: 'be82de2840b9474c0cdee640d9f66f7f87e2dc1114c1df55378674a34aa55e34',
      report: '2884385ff6aaa65d08eb884ac6fcda97ebe2bca2c4b1575f9c38300f92b8284a',
    },
    mixed_bfloat16: {
      weights: 'f66614e970932784dd297704d68f0c24bd471c8f20f32a4e0df26565ee41b54d',
      report: 'bcdd3ddc1f59d05b67c5e4936788f799417e7efc1f74a1a426ffa831bf0dc92e',
    },
    float16: {
      weights: '805d78013e0928db3508cecbeac0250742fcc5ab3bc02cfa5135c5f3c2b4998c',
      report: 'bda50f08c4d6d3a98368f326ee9433fe49df470369a24ef72ae28f0d59b63f4b',
    },
    bfloat16: {
      weights: '4bef476d48d7ad5d92342cfa6449a486edf9e0cd859d3e773710dec288e036eb',
      report: '31ad361e04cb1215a80b86f772b1e61df9b756292c1fa77f2462f98c286c38f2',
    },
    mixed_float8: {
      weights: '7a4267383191764d60b91b590032a88ccae00d38fbfd9aa40950137e3dd7897f',
      report: '2465a0785f8cf1b1a9895622913f1cafc2d4c18948c74429ef1427ad662616c1',
    },
    'mixed_float16, no loss scale': {
      weights: '2815e6aa0791ef8198c753f8ccc419e84830981e182fbdf70c7e8bf9d4d65ff4',
      report: '4101948c7d92a2dd4ba36612f31173ed47fb6cae159ee5912f308da9a8bec88f',
    },
    'mixed_float16, static scale 1024': {
      weights: '2d6be20edf1cd4198740507a9f25f931f0ae0ac5910591e3a7aaf3fbbcf7ea1a',
      report: '31615c2313a3c95defc8ef1dd9c0b0a73a2beaf31a5f8cd0a2659c56c3773f91',
    },
    'mixed_float16, overflow and growth': {
      weights: '45d87b12f989630532856b2a4d6681207dbe9cbcfa4da766b10cfb27a751f547',
      report: '8b1d6c0d51e3f9b9707b8d0ee9851816cae58c9dc6f2aa61e912b15f61ff7eb4',
    },
    'mixed_float16, loss \u00d7 2^-16': {
      weights: '94ec232ca8dbc7d38e47421bc29958249a1436f1c11ed95c61f62cbbfb11469c',
      report: '4c64b28e6697249c174d9fae0e50b0195f5b830c80defe84afaa6d09d5e86bf0',
    },
    'float32, loss \u00d7 2^-16': {
      weights: 'd03c784acbc34d50e0a1b1e0f9c1e71917a06c742df0692b67db699258f8dde4',
      report: '59bb5662f849ca52b0344a98b02754c1daa1f6394b4eb2909e30bcc2d8255d34',
    },
  },
};

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`the seed MLP's weights after a short fixed run on ${backend}, bit for bit`, function () {
    this.timeout(300_000);
    before(async () => {
      await useBackend(backend);
    });

    for (const [name, options] of Object.entries(RUNS)) {
      it(`${name}: the recorded SHA-256 of the weights and of the report`, async () => {
        const got = await digest(await trainMnist({ ...RUN, ...options(), keepModel: true }));
        if (process.env.MP_PRINT_DIGESTS)
          console.log(`      ${backend} ${JSON.stringify(name)}: ${JSON.stringify(got)}`);
        expect(got).to.deep.equal(EXPECTED[backend][name]);
      });
    }

    it('FP8 training under delayed scaling: the recorded SHA-256 of the report', async () => {
      const r = await trainMnistFp8({ ...RUN, recipe: 'delayed' });
      const report = JSON.stringify({ epochs: r.epochs.map((e) => [e.loss, e.valAccuracy]), test: r.testAccuracy });
      const got = createHash('sha256').update(report).digest('hex');
      if (process.env.MP_PRINT_DIGESTS) console.log(`      ${backend} fp8 delayed: ${JSON.stringify(got)}`);
      expect(got).to.equal(EXPECTED_FP8[backend]);
    });
  });
}

const EXPECTED_FP8: Record<'wasm' | 'cpu', string> = {
  wasm: '465d4bc3b130985f0ec9ac00df60cd5f4cfe980d8d6f3a50a53e40229c19ec25',
  cpu: 'e2cab7f1e721634c57e8e86e640142f6bd4fe0b1497d53c0649e912433ed9b48',
};
