/**
 * Messages to `pulumi up`'s output. Pulumi starts the dynamic-provider host with the engine's
 * address as its first argument; what the engine's `Log` RPC receives, `pulumi up` shows. A
 * provider's stderr is only in the engine's verbose logs, so progress and warnings go this way.
 * Outside the host (tests calling the implementation directly) there is no engine: nothing is sent.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as grpcTypes from '@grpc/grpc-js';

export interface EngineLog {
  info(message: string): void;
  warn(message: string): void;
  /** Waits (at most `timeoutMs`) until the messages sent so far have reached the engine. */
  flush(timeoutMs?: number): Promise<void>;
  close(): void;
}

const HOST_SCRIPT = path.join('cmd', 'dynamic-provider', 'index.js');

/** The engine's address when this process is Pulumi's dynamic-provider host, else undefined. */
export function engineAddress(argv: readonly string[] = process.argv): string | undefined {
  const script = argv[1] ?? '';
  const address = argv[2];
  return script.endsWith(HOST_SCRIPT) && address && /^[\w.-]+:\d+$/.test(address) ? address : undefined;
}

export function connectEngineLog(address = engineAddress()): EngineLog | undefined {
  if (!address) return undefined;
  // The stubs are built against @pulumi/pulumi's own gRPC library: load both from there.
  const pulumiRequire = createRequire(require.resolve('@pulumi/pulumi/package.json'));
  const grpc = pulumiRequire('@grpc/grpc-js') as typeof grpcTypes;
  const engineProto = pulumiRequire('./proto/engine_pb.js') as typeof import('@pulumi/pulumi/proto/engine_pb');
  const { EngineClient } = pulumiRequire('./proto/engine_grpc_pb.js') as typeof import('@pulumi/pulumi/proto/engine_grpc_pb');
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  const pending = new Set<Promise<void>>();
  let broken = false;
  const send = (severity: number, message: string) => {
    if (broken) return;
    const request = new engineProto.LogRequest().setSeverity(severity).setMessage(message);
    const sent = new Promise<void>((resolve) => {
      client.log(request, (error) => {
        // An engine that cannot be reached costs one failed call, not one per message.
        if (error) broken = true;
        resolve();
      });
    });
    pending.add(sent);
    void sent.then(() => pending.delete(sent));
  };
  return {
    info: (message) => send(engineProto.LogSeverity.INFO, message),
    warn: (message) => send(engineProto.LogSeverity.WARNING, message),
    async flush(timeoutMs = 5000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([Promise.all([...pending]), timeout]);
      clearTimeout(timer);
    },
    close: () => client.close(),
  };
}
