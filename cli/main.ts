/**
 * hmm-check command line: dispatch, and the one place where errors become exit code 2 with a
 * one-paragraph message (naming the file and the fix; stack only with --debug).
 */
import type { CliOptions } from './args.ts';
import { parseCli } from './args.ts';
import { checkCommand } from './commands/check.ts';
import { formatError, serializeError } from './errors.ts';
import { EXIT_BAD_INPUT } from './exit-codes.ts';
import { helpText } from './help.ts';
import { jsonDocument, replayDocument } from './output/json.ts';
import { toolVersion } from './paths.ts';

export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const json = argv.includes('--json');
  try {
    // their own option sets: the VM runs share nothing with the checker's flags
    if (argv[0] === 'kernel') return await (await import('./commands/kernel.ts')).kernelCommand(argv.slice(1));
    if (argv[0] === 'reproduce') return await (await import('./commands/reproduce.ts')).reproduceCommand(argv.slice(1));
    const opts: CliOptions = parseCli(argv);
    switch (opts.command) {
      case 'help':
        process.stdout.write(`${helpText(opts.helpTopic ?? 'all')}\n`);
        return 0;
      case 'version':
        process.stdout.write(`hmm-check ${toolVersion()}\n`);
        return 0;
      case 'check':
      case 'run':
        return await checkCommand(opts);
      case 'replay':
        return await (await import('./commands/replay.ts')).replayCommand(opts);
      case 'report':
        return await (await import('./commands/report.ts')).reportCommand(opts);
    }
  } catch (e) {
    const err = serializeError(e);
    if (json) {
      const command = argv.find((a) => a === 'check' || a === 'replay' || a === 'report') ?? 'run';
      const error = { name: err.name, message: err.message, hint: err.hint ?? null, ...(debug && err.stack ? { stack: err.stack } : {}) };
      const doc = command === 'replay' ? replayDocument(false, null, error) : jsonDocument(command, 'bad-input', [], error);
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    }
    process.stderr.write(`${formatError(err, debug)}\n`);
    return EXIT_BAD_INPUT;
  }
}
