/** How far from 1 a vector's length may be and still count as unit length (float32 rounding stays far below it). */
const UNIT_TOLERANCE = 1e-5;

/**
 * A vector shortened to `dimensions` and scaled to unit length. Gemini
 * returns a truncated (Matryoshka) prefix for a reduced `outputDimensionality`
 * and normalises only its full-size output (reference C.12/E.6), while OpenAI
 * clients expect unit vectors. A vector already of unit length is returned
 * unchanged, so the provider's exact values survive; so is any vector when no
 * dimensions were requested, and the zero vector (it has no direction).
 */
export function fitDimensions(values: number[], dimensions: number | undefined): number[] {
  if (dimensions === undefined) return values;
  const fitted = values.length > dimensions ? values.slice(0, dimensions) : values;
  let sum = 0;
  for (const value of fitted) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm === 0 || Math.abs(norm - 1) <= UNIT_TOLERANCE) return fitted;
  return fitted.map((value) => value / norm);
}
