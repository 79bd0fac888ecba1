/**
 * Lesson 2's shared settings, in one place for the lesson, its precomputing script and the grader: the float32
 * baseline it quantizes (the run cache's entry that lessons 1 and 4 train too) and how its channels are skewed.
 */
export const L2_BASELINE = {
  policy: 'float32',
  epochs: 2,
  trainLimit: 10_000,
  progressEvery: 5,
  cache: true,
} as const;

/** skewChannels' options for the model that static PTQ struggles with. */
export const L2_SKEW = { spread: 5, seed: 0 } as const;
