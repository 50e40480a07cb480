// Reading a request body with a byte limit, before anything parses it: a
// declared Content-Length above the limit is refused without reading, and a
// body that turns out longer is refused at the first byte past the limit.
import { NextRequest } from "next/server";

export type LimitedRequest = { ok: true; request: NextRequest } | { ok: false; response: Response };

export function tooLarge(limit: number): Response {
  return Response.json(
    { error: { message: `request body larger than ${limit} bytes`, code: "PAYLOAD_TOO_LARGE" } },
    { status: 413, headers: { Connection: "close" } },
  );
}

/** The request again with its body read into memory, or a 413 response. */
export async function readLimitedBody(request: Request, limit: number): Promise<LimitedRequest> {
  if (!request.body) return { ok: true, request: new NextRequest(request) };
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await request.body.cancel().catch(() => {});
    return { ok: false, response: tooLarge(limit) };
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { ok: false, response: tooLarge(limit) };
    }
    chunks.push(value);
  }
  const body = Buffer.concat(chunks);
  return {
    ok: true,
    request: new NextRequest(request.url, { method: request.method, headers: request.headers, body }),
  };
}
