import { Router } from 'express';
import type { AppContext } from '../context.js';
import { HttpProblem } from '../http/problem.js';

/** GET /api/customers/:id/memory — what each analysed call of this customer left owed and open. */
export function customersRouter(context: AppContext): Router {
  const router = Router();
  router.get('/:id/memory', async (request, response) => {
    const memory = await context.memory.get(String(request.params.id));
    if (!memory) throw new HttpProblem(404, 'not_found', `no memory for customer ${request.params.id}`);
    response.json(memory);
  });
  return router;
}
