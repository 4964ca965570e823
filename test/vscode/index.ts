import * as path from 'node:path';

/** Test index loaded by the extension host (extensionTestsPath): runs every *.test.js beside it. */
export function run(): Promise<unknown> {
  const repo = path.resolve(__dirname, '../../..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runMochaInExtensionHost } = require(path.join(repo, 'scripts/vscode/hostMocha')) as {
    runMochaInExtensionHost(options: { testsRoot: string; ui: string; timeout: number; mochaPath: string }): Promise<unknown>;
  };
  return runMochaInExtensionHost({ testsRoot: __dirname, ui: 'bdd', timeout: 60_000, mochaPath: path.join(repo, 'node_modules/mocha') });
}
