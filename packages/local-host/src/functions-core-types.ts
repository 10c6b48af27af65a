/**
 * The shapes of the `@azure/functions-core` module API, as far as the local host implements it.
 * The real module is built into the Node worker and its typings are not installed here, so these
 * are written from the worker's public contract (RPC shapes use the protobuf field names).
 */

export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type RpcLogCategory = 'user' | 'system' | 'customMetric';

export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  dataType?: 'undefined' | 'string' | 'binary' | 'stream' | null;
  /** Binding options (route, schedule, eventHubName, ...) sit beside the RPC fields. */
  [option: string]: unknown;
}

export interface RpcDuration {
  seconds?: number | null;
  nanos?: number | null;
}

export interface RpcRetryOptions {
  maxRetryCount?: number | null;
  delayInterval?: RpcDuration | null;
  minimumInterval?: RpcDuration | null;
  maximumInterval?: RpcDuration | null;
  retryStrategy?: 'exponentialBackoff' | 'fixedDelay' | null;
  [option: string]: unknown;
}

/** What `registerFunction` receives: the function's name, bindings by name and retry policy. */
export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: RpcRetryOptions;
}

export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: { value?: string | null } | null;
  path?: { value?: string | null } | null;
  expires?: { value?: { seconds?: number | null; nanos?: number | null } | null } | null;
  secure?: { value?: boolean | null } | null;
  httpOnly?: { value?: boolean | null } | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone' | null;
  maxAge?: { value?: number | null } | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | null;
  query?: Record<string, string> | null;
  enableContentNegotiation?: boolean | null;
  cookies?: RpcHttpCookie[] | null;
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
  collectionBytes?: { bytes?: Uint8Array[] | null } | null;
  collectionString?: { string?: string[] | null } | null;
  collectionDouble?: { double?: number[] | null } | null;
  collectionSint64?: { sint64?: number[] | null } | null;
}

export interface RpcParameterBinding {
  name?: string | null;
  data?: RpcTypedData | null;
}

export interface RpcException {
  source?: string | null;
  stackTrace?: string | null;
  message?: string | null;
}

export interface RpcRetryContext {
  retryCount?: number | null;
  maxRetryCount?: number | null;
  exception?: RpcException | null;
}

export interface RpcInvocationRequest {
  invocationId?: string | null;
  functionId?: string | null;
  inputData?: RpcParameterBinding[] | null;
  triggerMetadata?: Record<string, RpcTypedData> | null;
  retryContext?: RpcRetryContext | null;
}

export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: RpcParameterBinding[] | null;
  returnValue?: RpcTypedData | null;
}

export type InvocationState = 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';

/** What the worker hands the programming model for one invocation. */
export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: FunctionMetadata;
  state?: InvocationState;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface InvocationArguments {
  context: unknown;
  inputs: unknown[];
}

export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export type WorkerCapabilities = Record<string, string>;

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: WorkerCapabilities): WorkerCapabilities | Promise<WorkerCapabilities>;
}

/** Hook contexts are plain mutable objects: @azure/functions wraps them and writes back into them. */
export interface HookContext {
  hookData: Record<string, unknown>;
  appHookData: Record<string, unknown>;
}
export interface AppStartContext extends HookContext {
  functionAppDirectory: string;
}
export interface PreInvocationContext extends HookContext {
  invocationContext: unknown;
  inputs: unknown[];
  functionCallback: FunctionCallback;
}
export interface PostInvocationContext extends HookContext {
  invocationContext: unknown;
  inputs: unknown[];
  result: unknown;
  error: unknown;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
/** Each hook is called with the context for its own name (a subtype of HookContext). */
export type HookCallback = (context: HookContext) => void | Promise<void>;

export interface Disposable {
  dispose(): void;
}

/** The module object that `require('@azure/functions-core')` returns. */
export interface FunctionsCoreApi {
  readonly version: string;
  readonly hostVersion: string;
  setProgrammingModel(model: ProgrammingModel): void;
  getProgrammingModel(): ProgrammingModel;
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable;
  registerHook(hookName: string, callback: HookCallback): Disposable;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
  Disposable: new (callOnDispose: () => void) => Disposable;
}
