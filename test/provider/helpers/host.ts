/**
 * Runs Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) as a child process
 * and talks to it over gRPC the way the Pulumi engine does: ResourceProvider requests whose
 * properties are google.protobuf Structs, `__provider` holding the serialized provider text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as grpcTypes from '@grpc/grpc-js';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import * as providerProto from '@pulumi/pulumi/proto/provider_pb';
import { ResourceProviderClient } from '@pulumi/pulumi/proto/provider_grpc_pb';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const pulumiRoot = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
// The gRPC library the Pulumi protobuf stubs are built with (a dependency of @pulumi/pulumi).
const grpc = createRequire(path.join(pulumiRoot, 'package.json'))('@grpc/grpc-js') as typeof grpcTypes;
export const HOST_SCRIPT = path.join(pulumiRoot, 'cmd', 'dynamic-provider', 'index.js');
export const URN = 'urn:pulumi:test::aws-org-graph::pulumi-nodejs:dynamic/aws-org-graph:GraphSnapshot::graph';
export const PROVIDER_KEY = '__provider';

export type Props = Record<string, unknown>;

export interface CheckOutcome {
  inputs: Props;
  failures: Array<{ property: string; reason: string }>;
}

function struct(value: Props): Struct {
  // google-protobuf's Struct typing wants JavaScriptValue maps; plain JSON data is that.
  return Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
}

function toProps(value: Struct | undefined): Props {
  return (value?.toJavaScript() ?? {}) as Props;
}

export class ProviderHost {
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    readonly port: number,
  ) {}

  /**
   * Starts the host in `cwd` (Pulumi starts it in the program's directory). The host takes the
   * engine's address as its argument; the provider sends its messages there (a fake engine in
   * test/provider/helpers/fake-engine.ts), and by default nothing listens at it.
   * NODE_OPTIONS is cleared: the host must run with no TypeScript loader, as under Pulumi.
   */
  static async start(cwd: string, engineAddress = '127.0.0.1:1'): Promise<ProviderHost> {
    const env = { ...process.env, NODE_OPTIONS: '' };
    const child = spawn(process.execPath, [HOST_SCRIPT, engineAddress], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the provider host printed no port within 20 s: ${stderr.join('')}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = /^(\d+)\s*$/m.exec(out);
        if (line) {
          clearTimeout(timer);
          resolve(Number(line[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the provider host exited with ${code}: ${stderr.join('')}`));
      });
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client, port);
    host.stderr.push(...stderr);
    child.stderr!.on('data', (chunk: Buffer) => host.stderr.push(chunk.toString()));
    return host;
  }

  private call<Req, Res>(
    method: (request: Req, callback: (error: grpcTypes.ServiceError | null, response: Res) => void) => unknown,
    request: Req,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(this.client, request, (error: grpcTypes.ServiceError | null, response: Res) => (error ? reject(error) : resolve(response)));
    });
  }

  async check(olds: Props, news: Props): Promise<CheckOutcome> {
    const request = new providerProto.CheckRequest().setUrn(URN).setOlds(struct(olds)).setNews(struct(news));
    const response = await this.call<providerProto.CheckRequest, providerProto.CheckResponse>(this.client.check, request);
    return {
      inputs: toProps(response.getInputs()),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, olds: Props, news: Props): Promise<{ changes: providerProto.DiffResponse.DiffChanges; replaces: string[] }> {
    const request = new providerProto.DiffRequest().setUrn(URN).setId(id).setOlds(struct(olds)).setNews(struct(news));
    const response = await this.call<providerProto.DiffRequest, providerProto.DiffResponse>(this.client.diff, request);
    return { changes: response.getChanges(), replaces: response.getReplacesList() };
  }

  async create(properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new providerProto.CreateRequest().setUrn(URN).setProperties(struct(properties));
    const response = await this.call<providerProto.CreateRequest, providerProto.CreateResponse>(this.client.create, request);
    return { id: response.getId(), properties: toProps(response.getProperties()) };
  }

  async update(id: string, olds: Props, news: Props): Promise<Props> {
    const request = new providerProto.UpdateRequest().setUrn(URN).setId(id).setOlds(struct(olds)).setNews(struct(news));
    const response = await this.call<providerProto.UpdateRequest, providerProto.UpdateResponse>(this.client.update, request);
    return toProps(response.getProperties());
  }

  async read(id: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new providerProto.ReadRequest().setUrn(URN).setId(id).setProperties(struct(properties));
    const response = await this.call<providerProto.ReadRequest, providerProto.ReadResponse>(this.client.read, request);
    return { id: response.getId(), properties: toProps(response.getProperties()) };
  }

  async delete(id: string, properties: Props): Promise<void> {
    const request = new providerProto.DeleteRequest().setUrn(URN).setId(id).setProperties(struct(properties));
    await this.call(this.client.delete, request);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }
}
