// Runs in Node (vitest.config.ts), not in workerd. Each fuzz property leaves
// { target, events, failures } in its test's meta once it passed; after the run this
// prints one line per property:
//   FUZZ-REPORT {"target":"fetch /webhook","events":1000,"failures":0}
// so CI can check that every handler really received the events it should have.
// A plugin rather than console.log: the config keeps the output of passing tests quiet
// (silent: 'passed-only'), and a reporter added here stays whichever --reporter is chosen.

import type { Plugin } from 'vitest/config';
import type { TaskMeta } from 'vitest';

/**
 * The report test/support/fuzz.ts leaves in a test's meta (its FuzzReport; that module runs
 * in workerd, so this Node side spells the shape out).
 */
export type FuzzReport = { target: string; events: number; failures: number };

export function fuzzReports(): Plugin {
  const reports: FuzzReport[] = [];
  return {
    name: 'fuzz-reports',
    configureVitest({ vitest }) {
      vitest.config.reporters.push({
        onTestCaseResult(testCase) {
          const report = (testCase.meta() as TaskMeta & { fuzzReport?: FuzzReport }).fuzzReport;
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
