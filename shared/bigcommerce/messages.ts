// zod/mini loads no locale: without one, every issue it reports reads a bare "Invalid input". Classic zod
// loads English itself; this does the same for the functions' zod/mini schemas, from the same package.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
