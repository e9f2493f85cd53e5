// Runs in Node (vitest.config.mjs), not in workerd. Each fuzz property leaves
// { target, events, failures } in its test's meta once it passed; after the run this
// prints one line per property:
//   FUZZ-REPORT {"target":"fetch /webhook","events":1000,"failures":0}
// so CI can check that every handler really received the events it should have.
// A plugin rather than console.log: the config keeps the output of passing tests quiet
// (silent: 'passed-only'), and a reporter added here stays whichever --reporter is chosen.

/**
 * The report test/support/fuzz.mjs leaves in a test's meta (its FuzzReport; that module runs
 * in workerd, so this Node side spells the shape out).
 * @typedef { { target: string, events: number, failures: number } } FuzzReport
 */

/** @returns {import('vitest/config').Plugin} */
export function fuzzReports() {
  /** @type {FuzzReport[]} */
  const reports = [];
  return {
    name: 'fuzz-reports',
    configureVitest({ vitest }) {
      vitest.config.reporters.push({
        onTestCaseResult(testCase) {
          const report = /** @type {import('vitest').TaskMeta & { fuzzReport?: FuzzReport }} */ (testCase.meta()).fuzzReport;
          if (report) reports.push(report);
        },
        onTestRunEnd() {
          if (reports.length === 0) return;
          const lines = reports.splice(0).map((report) => `FUZZ-REPORT ${JSON.stringify(report)}\n`);
          process.stdout.write(`\n${lines.join('')}`);
        },
      });
    },
  };
}
