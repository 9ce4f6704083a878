/** Request ids look like OpenAI's (`req_…`); the SDK reads them from `x-request-id`. */
export const newRequestId = () => `req_${crypto.randomUUID().replaceAll("-", "")}`;
