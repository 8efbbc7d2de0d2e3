/** Why `npm run kernel` or `hmm-check reproduce` could not set up, build or boot: one paragraph, exit 2. */
import { CheckerError } from '../../checker/errors.ts';

export class KernelSetupError extends CheckerError {
  override name = 'KernelSetupError';
}
