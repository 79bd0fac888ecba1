/**
 * Compile-time proof (npm test runs tsc first) that exercises/ and solutions/ export the same names with the
 * same types: each module must be assignable to the other's type.
 */
import * as E1 from '../../exercises/lesson1';
import * as E2 from '../../exercises/lesson2';
import * as E3 from '../../exercises/lesson3';
import * as E4 from '../../exercises/lesson4';
import * as E5 from '../../exercises/lesson5';
import * as E6 from '../../exercises/lesson6';
import * as S1 from '../../solutions/lesson1';
import * as S2 from '../../solutions/lesson2';
import * as S3 from '../../solutions/lesson3';
import * as S4 from '../../solutions/lesson4';
import * as S5 from '../../solutions/lesson5';
import * as S6 from '../../solutions/lesson6';

export const SAME_SIGNATURES: [typeof S1, typeof E1, typeof S2, typeof E2, typeof S3, typeof E3][] = [
  [E1, S1, E2, S2, E3, S3],
];
export const SAME_SIGNATURES_2: [typeof S4, typeof E4, typeof S5, typeof E5, typeof S6, typeof E6][] = [
  [E4, S4, E5, S5, E6, S6],
];
