/**
 * The part of the Pulumi engine a provider talks to: its `Engine` gRPC service, recording what
 * `Log` receives (what `pulumi up` would show).
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as grpcTypes from '@grpc/grpc-js';
import type * as emptyProto from 'google-protobuf/google/protobuf/empty_pb';
import type * as engineProto from '@pulumi/pulumi/proto/engine_pb';
import { EngineService } from '@pulumi/pulumi/proto/engine_grpc_pb';

// The library copies the Pulumi stubs were built against (serializers check `instanceof`).
const pulumiRequire = createRequire(path.join(path.dirname(require.resolve('@pulumi/pulumi/package.json')), 'package.json'));
const grpc = pulumiRequire('@grpc/grpc-js') as typeof grpcTypes;
const { Empty } = pulumiRequire('google-protobuf/google/protobuf/empty_pb') as typeof emptyProto;

export interface LoggedMessage {
  severity: number;
  message: string;
}

export class FakeEngine {
  private constructor(
    private readonly server: grpcTypes.Server,
    readonly address: string,
    readonly messages: LoggedMessage[],
  ) {}

  static async start(): Promise<FakeEngine> {
    const server = new grpc.Server();
    const messages: LoggedMessage[] = [];
    const unimplemented = (_call: unknown, callback: grpcTypes.sendUnaryData<unknown>) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'fake engine' }, null);
    server.addService(EngineService as unknown as grpcTypes.ServiceDefinition, {
      log: (call: grpcTypes.ServerUnaryCall<engineProto.LogRequest, unknown>, callback: grpcTypes.sendUnaryData<unknown>) => {
        messages.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
        callback(null, new Empty());
      },
      getRootResource: unimplemented,
      setRootResource: unimplemented,
      startDebugging: unimplemented,
      requirePulumiVersion: unimplemented,
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    return new FakeEngine(server, `127.0.0.1:${port}`, messages);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
