/**
 * Whether item `index` belongs to an evenly spread `fraction` of 0, 1, 2…: exactly
 * ⌊n · fraction⌋ of the first n items are chosen, with no clumping and no randomness, so a run
 * is reproducible and its counts are exact.
 */
export function isChosen(index: number, fraction: number): boolean {
  return Math.floor((index + 1) * fraction) > Math.floor(index * fraction);
}
