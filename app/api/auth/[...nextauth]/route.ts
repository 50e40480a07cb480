import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptions } from "../../../../server/auth/next-auth.ts";
import { isSecureRequest } from "../../../../server/auth/secure-request.ts";
import { MAX_API_BODY_BYTES } from "../../../../server/limits.ts";
import { readLimitedBody } from "../../limited-body.ts";

async function handler(req: NextRequest, context: { params: Promise<{ nextauth: string[] }> }) {
  const limited = await readLimitedBody(req, MAX_API_BODY_BYTES);
  if (!limited.ok) return limited.response;
  return NextAuth(limited.request, context, authOptions(isSecureRequest(req.headers)));
}

export { handler as GET, handler as POST };
