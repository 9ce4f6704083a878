import { invalidRequest } from "../errors.ts";

/** A page size from a query: 1 to `max`, `fallback` when absent. */
export function limitParam(value: string | undefined, max: number, fallback: number): number {
  const limit = value === undefined ? fallback : Number(value);
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= max)) throw invalidRequest(`'limit' must be 1 to ${max}`, "limit");
  return limit;
}

/** A query array as the OpenAI clients write it (`include[]=a&include[]=b`) or repeated (`include=a&include=b`). */
export const queryList = (query: URLSearchParams, name: string) => [...query.getAll(name), ...query.getAll(`${name}[]`)];
