import { useBackend } from './src/mp';
import { trainMnist } from './src/mp/train/loop';
(async () => {
  await useBackend('wasm');
  for (const [policy, lossScale, k] of [['float32', 'none', 16], ['float32', 'none', 0], ['mixed_float16', 'none', 16], ['mixed_float16', 'dynamic', 16]] as const) {
    const r = await trainMnist({ policy, lossScale, lossMultiplier: 2 ** -k, epochs: 1, trainLimit: 20000 });
    console.log(policy, lossScale, k, r.testAccuracy);
  }
})();
