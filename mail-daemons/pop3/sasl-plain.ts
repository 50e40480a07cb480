// RFC 4616 §2 PLAIN: base64 of [authzid] NUL authcid NUL passwd. Yubin does
// not let one user act as another, so an authzid other than the authcid is
// refused. Base64 is checked strictly (RFC 5034 §4: a response that cannot be
// decoded rejects the AUTH command), not with Buffer's forgiving decoder.

export type PlainCredentials = { username: string; password: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) ? Buffer.from(text, "base64") : null;
}

export function parsePlainResponse(response: Buffer): PlainCredentials | null {
  const first = response.indexOf(0);
  const second = first === -1 ? -1 : response.indexOf(0, first + 1);
  if (second === -1 || response.indexOf(0, second + 1) !== -1) return null;
  const authzid = response.subarray(0, first).toString("utf8");
  const username = response.subarray(first + 1, second).toString("utf8");
  const password = response.subarray(second + 1).toString("utf8");
  if (username === "" || password === "" || (authzid !== "" && authzid !== username)) return null;
  return { username, password };
}
