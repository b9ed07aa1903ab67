/** A command's middleware stack resolved against a client: what `Client.send` calls. */
type ResolvedHandler = (command: object) => Promise<{ output: unknown }>;

interface ResolvableCommand {
  resolveMiddleware(stack: unknown, config: unknown, options: undefined): ResolvedHandler;
}

/**
 * Resolved handlers of one client, per command class, each used by one call at a time. The SDK's
 * own cache (`cacheMiddleware`) shares one handler, and with it one mutable middleware context
 * (endpoint, auth scheme), between concurrent calls, which is only right when the endpoint does not
 * depend on the input; resolving the stack for every call instead adds about half to the call's
 * CPU. A handler is reused only once its call has settled, so each call has the context to
 * itself, as with `cacheMiddleware` and calls in sequence. (The S3 middleware that keeps state in the
 * context between calls, region redirects, is off: `followRegionRedirects` is never set.)
 */
export class HandlerPool {
  // Keyed by command class.
  private readonly free = new Map<unknown, ResolvedHandler[]>();

  constructor(private readonly client: { middlewareStack: unknown; config: unknown }) {}

  send(command: object): Promise<unknown> {
    let handlers = this.free.get(command.constructor);
    if (!handlers) this.free.set(command.constructor, (handlers = []));
    const handler = handlers.pop() ?? (command as ResolvableCommand).resolveMiddleware(this.client.middlewareStack, this.client.config, undefined);
    const pool = handlers;
    return handler(command).then(
      (result) => {
        pool.push(handler);
        return result.output;
      },
      (error: unknown) => {
        pool.push(handler);
        throw error;
      },
    );
  }
}
