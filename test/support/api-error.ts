import { expect } from "bun:test";
import OpenAI from "openai";

/** The error the official client threw for a call that must fail. */
export async function apiError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}
