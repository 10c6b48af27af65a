import type { HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';

df.app.orchestration('greetAll', function* (context) {
  const names = context.df.getInput() as string[];
  const greetings: unknown = yield context.df.Task.all(names.map((name) => context.df.callActivity('greet', name)));
  return greetings;
});

df.app.activity('greet', { handler: (name: string) => `Hello ${name}` });

df.app.client.http('startGreetings', {
  route: 'greet',
  methods: ['POST'],
  handler: async (request: HttpRequest, client) => {
    const names = (await request.json()) as string[];
    const instanceId = await client.startNew('greetAll', { input: names });
    return client.createCheckStatusResponse(request, instanceId);
  },
});
