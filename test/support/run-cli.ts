import { runCli } from '../../generator/cli.js';

/** Runs the CLI in-process in the folder `cwd()` returns, collecting what it prints. */
export function cliIn(cwd: () => string) {
  return async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      cwd: cwd(),
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
    });
    return { code, stdout, stderr };
  };
}
