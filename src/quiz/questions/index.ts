/** The instructor's question bank: every question with every case, hidden ones included. */
import type { Question } from '../question';
import { LESSON1 } from './lesson1';
import { LESSON2 } from './lesson2';
import { LESSON3 } from './lesson3';
import { LESSON4 } from './lesson4';
import { LESSON5 } from './lesson5';
import { LESSON6 } from './lesson6';

export const QUESTIONS: Question[] = [...LESSON1, ...LESSON2, ...LESSON3, ...LESSON4, ...LESSON5, ...LESSON6];
