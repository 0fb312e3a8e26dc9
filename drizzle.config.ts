import { defineConfig } from 'drizzle-kit';

// drizzle-kit reads the schema and writes SQL migrations to drizzle/ (`npm run db:generate`).
// The migrations are committed and applied at start-up by src/db/open-database.ts.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
