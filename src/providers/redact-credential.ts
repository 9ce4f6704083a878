const REDACTED = "[redacted]";

/**
 * Removes a provider credential from text the provider sent (an error
 * message quoting the key, an echo in a stream event) before anything
 * reaches a client or a log. Exact-value matching: the credential may have
 * any shape, unlike the pattern scrubbing of the adapters' messages.
 */
export function redactCredential(text: string, credential: string): string {
  return credential !== "" && text.includes(credential) ? text.replaceAll(credential, REDACTED) : text;
}
