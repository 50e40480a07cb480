import { defineConfig } from "prisma/config";

// Prisma 7 reads the URL from here, not from the schema. Yubin applies its
// migrations itself (server/db/migrate.ts), so the CLI only needs a URL for
// its optional commands; `generate` does not touch the database at all.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/yubin" },
});
