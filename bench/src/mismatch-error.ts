/** torchlet and tfjs computed different numbers for the same inputs: the timings would mean nothing. */
export class MismatchError extends Error {
  override name = 'MismatchError';
}
