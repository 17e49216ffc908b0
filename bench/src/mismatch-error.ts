/** torchlet disagrees with itself across configurations, or has no result to check the others against: the table would mean nothing. */
export class MismatchError extends Error {
  override name = 'MismatchError';
}
