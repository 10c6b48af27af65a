import { randomUUID } from 'node:crypto';
import type { FunctionRegistry } from './function-registry.js';
import type {
  CoreInvocationContext,
  FunctionMetadata,
  PostInvocationContext,
  PreInvocationContext,
  ProgrammingModel,
  RpcHttpData,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
  RpcParameterBinding,
  RpcRetryContext,
  RpcTypedData,
} from './functions-core-types.js';
import type { HostLog } from './host-log.js';
import { fromHostTypedData, RpcEncoded, toHostTypedData } from './rpc-typed-data.js';

/**
 * What a trigger hands to a function. For HTTP triggers `triggerValue` is the request as
 * RpcHttpData; otherwise any value (arrays of strings become a string collection, as the host
 * sends event batches). `triggerMetadata` uses the host's key casing (PascalCase); the library
 * lower-cases the first letter of every key, as in production. `extraInputs` are keyed by binding
 * name.
 */
export interface InvocationInput {
  triggerValue: unknown;
  triggerMetadata?: Record<string, unknown>;
  extraInputs?: Record<string, unknown>;
}

/** A function as registered, with its trigger binding (`%SETTING%` references resolved). */
export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  trigger: { type: string; name: string; [k: string]: unknown };
}

/** Runs one function once; resolves to its return value as the host receives it. */
export type Invoke = (functionName: string, input: InvocationInput) => Promise<unknown>;

/** Retry bookkeeping the host passes on each attempt when a retry policy applies. */
export interface InvocationAttempt {
  retryCount: number;
  maxRetryCount: number;
  lastError?: unknown;
}

export interface InvocationOutcome {
  /** The return value decoded from the response (HTTP responses stay RpcHttpData). */
  returnValue: unknown;
  /** The full worker response, for triggers that read output bindings such as HTTP. */
  response: RpcInvocationResponse;
}

export type InvokeDetailed = (
  functionName: string,
  input: InvocationInput,
  attempt?: InvocationAttempt,
) => Promise<InvocationOutcome>;

export interface InvokerOptions {
  registry: FunctionRegistry;
  functions: readonly RegisteredFunction[];
  programmingModel(): ProgrammingModel;
  log: HostLog;
  /** Inputs the host supplies itself (e.g. the durable client), merged under the caller's. */
  extraInputsFor?(fn: RegisteredFunction): Record<string, unknown> | undefined;
}

export interface Invoker {
  invoke: Invoke;
  invokeDetailed: InvokeDetailed;
}

export function createInvoker(options: InvokerOptions): Invoker {
  const byName = new Map(options.functions.map((f) => [f.name, f]));

  const invokeDetailed: InvokeDetailed = async (functionName, input, attempt) => {
    const fn = byName.get(functionName);
    const registration = options.registry.get(functionName);
    if (!fn || !registration) {
      throw new Error(`No function named "${functionName}" is registered (known: ${[...byName.keys()].join(', ') || 'none'})`);
    }
    const invocationId = randomUUID();
    try {
      return await runInvocation(options, fn, registration.handler, invocationId, input, attempt);
    } catch (error) {
      options.log(`[host] Executed 'Functions.${functionName}' (Failed, Id=${invocationId}): ${errorMessage(error)}`);
      throw error;
    }
  };

  const invoke: Invoke = async (functionName, input) => (await invokeDetailed(functionName, input)).returnValue;
  return { invoke, invokeDetailed };
}

/** The worker's invocation sequence: arguments, preInvocation hooks, handler, postInvocation hooks, response. */
async function runInvocation(
  options: InvokerOptions,
  fn: RegisteredFunction,
  handler: (...args: unknown[]) => unknown,
  invocationId: string,
  input: InvocationInput,
  attempt: InvocationAttempt | undefined,
): Promise<InvocationOutcome> {
  const { registry } = options;
  let invocationContext: unknown;
  const coreContext: CoreInvocationContext = {
    invocationId,
    metadata: fn.metadata,
    request: buildRequest(options, fn, invocationId, input, attempt),
    log: (level, category, message) => writeLog(options, fn.name, level, category, message, invocationContext),
  };

  const model = options.programmingModel().getInvocationModel(coreContext);
  const { context, inputs } = await model.getArguments();
  invocationContext = context;
  const hookData: Record<string, unknown> = {};

  coreContext.state = 'preInvocationHooks';
  const pre: PreInvocationContext = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: context,
    inputs,
    functionCallback: handler,
  };
  for (const hook of registry.hooks('preInvocation')) await hook(pre);

  coreContext.state = 'invocation';
  let result: unknown;
  let error: unknown;
  let failed = false;
  try {
    result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (thrown) {
    error = thrown;
    failed = true;
  }

  coreContext.state = 'postInvocationHooks';
  const post: PostInvocationContext = {
    hookData,
    appHookData: registry.appHookData,
    invocationContext: context,
    inputs: pre.inputs,
    result,
    error,
  };
  for (const hook of registry.hooks('postInvocation')) await hook(post);
  // A postInvocation hook may clear or replace the error, as with the real worker.
  if (post.error !== undefined && post.error !== null) throw post.error;
  if (failed && post.error === error) throw new Error(`Function "${fn.name}" threw ${String(error)}`);

  const response = await model.getResponse(context, post.result);
  return { returnValue: fromHostTypedData(response.returnValue), response };
}

function buildRequest(
  options: InvokerOptions,
  fn: RegisteredFunction,
  invocationId: string,
  input: InvocationInput,
  attempt: InvocationAttempt | undefined,
): CoreInvocationContext['request'] {
  const isHttp = fn.trigger.type.toLowerCase() === 'httptrigger';
  const triggerData: RpcTypedData | undefined = isHttp
    ? { http: input.triggerValue as RpcHttpData }
    : toHostTypedData(input.triggerValue);
  const inputData: RpcParameterBinding[] = [{ name: fn.trigger.name, data: triggerData ?? null }];

  const extraInputs = { ...options.extraInputsFor?.(fn), ...input.extraInputs };
  for (const [name, value] of Object.entries(extraInputs)) {
    if (!fn.metadata.bindings[name]) {
      throw new Error(`Function "${fn.name}" has no binding named "${name}" for an extra input`);
    }
    inputData.push({ name, data: toHostTypedData(value) ?? null });
  }

  const triggerMetadata: Record<string, RpcTypedData> = {};
  for (const [key, value] of Object.entries(input.triggerMetadata ?? {})) {
    const data = toMetadataTypedData(value);
    if (data) triggerMetadata[key] = data;
  }

  let retryContext: RpcRetryContext | undefined;
  if (attempt) {
    retryContext = { retryCount: attempt.retryCount, maxRetryCount: attempt.maxRetryCount };
    if (attempt.lastError !== undefined) {
      const e = attempt.lastError;
      retryContext.exception = {
        message: errorMessage(e),
        stackTrace: e instanceof Error ? e.stack ?? null : null,
        source: e instanceof Error ? e.name : null,
      };
    }
  }
  return {
    invocationId,
    functionId: fn.metadata.functionId ?? fn.name,
    inputData,
    triggerMetadata,
    retryContext: retryContext ?? null,
  };
}

/** Trigger metadata is sent as strings, numbers or JSON, never as collections (the host serializes it). */
function toMetadataTypedData(value: unknown): RpcTypedData | undefined {
  if (value instanceof RpcEncoded) return value.data;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { string: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  if (typeof value === 'boolean') return { json: JSON.stringify(value) };
  if (value instanceof Uint8Array) return { bytes: value };
  return { json: JSON.stringify(value) };
}

function writeLog(
  options: InvokerOptions,
  functionName: string,
  level: RpcLogLevel,
  category: RpcLogCategory,
  message: string,
  invocationContext: unknown,
): void {
  const logHooks = options.registry.hooks('log');
  const hookContext = {
    level,
    message,
    category,
    invocationContext,
    hookData: {},
    appHookData: options.registry.appHookData,
  };
  for (const hook of logHooks) void hook(hookContext);
  if (category === 'system' && !['warning', 'error', 'critical'].includes(hookContext.level)) return;
  const tag = hookContext.level === 'information' ? '' : ` ${hookContext.level}`;
  options.log(`[${functionName}]${tag} ${hookContext.message}`);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}
