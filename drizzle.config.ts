import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './controller/db/schema.ts',
  out: './controller/db/migrations',
});
