// The exercise feature's public surface (node only; the Test Explorer side is testController.ts).
export { OneShotExchanger, parseXchgOutput, type ExecRunner } from './oneShot';
export { parseExercise, type ParseOptions, type ParseResult } from './parse';
export { loadExerciseFile, parseExerciseText } from './loadFile';
export { runExercise, runStep, decodeReplies, type StepResult, type StepStatus } from './runner';
export type { Exercise, ExerciseProblem, ExerciseStep, Expectation } from './types';
