import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './controller/db/tables/*.ts',
  out: './controller/db/migrations',
});
