/** Request ids look like OpenAI's (`req_…`); the SDK reads them from `x-request-id`. */
export const newRequestId = () => `req_${crypto.randomUUID().replaceAll("-", "")}`;

/** A request id's random part: ids minted for the request's objects (`chatcmpl-…`, `resp_…`) share it, so one id finds the others. */
export const requestIdSuffix = (requestId: string) => requestId.replace(/^req_/, "");
