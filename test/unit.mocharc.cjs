/**
 * `npm run test:unit`: the library's, the course's and the grader's tests without the long runs, for a maintainer
 * at work (`npm test` runs everything, as CI does). Left out here: the lessons through Jupyter and in a browser
 * (test/notebooks), the hub (test/hub), MNIST trained to accuracy under every policy or recipe, a class of 200
 * graded, and the weight digests on tfjs's cpu backend. Files run in two worker processes at once; each file chooses its own tfjs backend (test/architecture.test.ts
 * checks), so none depends on which file ran before it in its worker.
 */
module.exports = {
  ...require('../.mocharc.json'),
  parallel: true,
  jobs: 2,
  spec: [
    'test/*.test.ts',
    'test/mp/**/*.test.ts',
    'test/course/**/*.test.ts',
    'test/quiz/**/*.test.ts',
    'test/notebooks/zh.test.ts', // the Chinese lessons in step with the English ones: a static check, fast
  ],
  // the weight digests on tfjs's cpu backend (half a minute; the wasm backend's, which students run, stay)
  grep: 'weights after a short fixed run on cpu',
  invert: true,
  ignore: [
    'test/course/experiments/train.test.ts', // every policy, 5 epochs each
    'test/course/experiments/compare_quantization.test.ts', // float32, PTQ, QAT and int8 trained and compared
    'test/course/experiments/async_reads.test.ts', // each experiment run again to prove it reads asynchronously
    'test/mp/backend/wasm_threads_training.test.ts', // an epoch on 1 and on 2 threads, in two processes
    'test/quiz/class.test.ts', // 200 submissions
  ],
};
