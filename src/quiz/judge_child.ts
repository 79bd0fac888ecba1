/**
 * A judge's own process (judges.ts's runJudge forks it): it runs one judge on one value, both sent over IPC as
 * structured clones of plain data, sends the outcome back the same way and exits. The grader kills it at the
 * judge's time limit, whatever it is doing, so a judge that computes long without yielding blocks nothing else.
 */
import { judgeHere, type JudgeSpec } from './judges';

process.once('message', (m: { spec: JudgeSpec; value: unknown }) => {
  void judgeHere(m.spec, m.value).then((outcome) => process.send!(outcome, () => process.exit(0)));
});
