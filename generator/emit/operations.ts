import type { GeneratorIR, OperationIR, ResponseIR } from '../analyze/ir.js';
import { tsString } from './escape.js';

/**
 * The view of operations.ts. Types are pre-rendered TypeScript built only from escaped parts: indexed accesses
 * into openapi-typescript's `paths` (every key a {@link tsString} literal), so request and result types are the
 * ones schema.ts already has, never derived a second time.
 */
export function operationsView(ir: GeneratorIR) {
  return {
    defaultBaseUrl: ir.defaultBaseUrl ?? null,
    operations: ir.operations.map(operationView),
  };
}

function operationView(operation: OperationIR) {
  const ref = `paths[${tsString(operation.path)}][${tsString(operation.method)}]`;
  const members: Array<{ key: string; required: boolean; tsType: string }> = [];
  for (const location of ['path', 'query', 'header', 'cookie'] as const) {
    const parameters = operation.parameters.filter((parameter) => parameter.in === location);
    if (parameters.length === 0) continue;
    const required = parameters.some((parameter) => parameter.required);
    const type = `${ref}["parameters"][${tsString(location)}]`;
    members.push({ key: location, required, tsType: required ? `NonNullable<${type}>` : type });
  }
  const body = operation.requestBody;
  if (body) {
    const type = `NonNullable<${ref}["requestBody"]>["content"][${tsString(body.contentType)}]`;
    const tsType =
      body.kind === 'json'
        ? type
        : body.kind === 'form'
          ? `${type} | URLSearchParams | string`
          : body.kind === 'multipart'
            ? `MultipartBody<${type}> | FormData`
            : 'BodyInit';
    members.push({ key: 'body', required: body.required, tsType });
  }
  const successMedia = operation.responses
    .filter((response) => response.success)
    .flatMap((response) => response.content.map((media) => media.contentType));
  const bearerNote =
    operation.bearer === 'required'
      ? `Sends the bearer token of \`config.accessToken\` (${operation.bearerSchemes.join(', ')}).`
      : operation.bearer === 'optional'
        ? `Sends the bearer token of \`config.accessToken\` when one is configured (${operation.bearerSchemes.join(', ')}; optional).`
        : null;
  return {
    functionName: operation.functionName,
    typeName: operation.typeName,
    method: operation.method.toUpperCase(),
    path: operation.path,
    operationId: operation.operationId ?? null,
    summary: operation.summary ?? null,
    description: operation.description ?? null,
    deprecated: operation.deprecated,
    bearer: operation.bearer,
    bearerNote,
    members,
    requestRequired: members.some((member) => member.required),
    responseType: resultType(
      ref,
      operation.responses.filter((response) => response.success),
    ),
    errorType: resultType(
      ref,
      operation.responses.filter((response) => !response.success),
    ),
    parameters: operation.parameters.map((parameter) => ({
      name: parameter.name,
      in: parameter.in,
      style: parameter.style,
      explode: parameter.explode,
      allowReserved: parameter.allowReserved,
      json: parameter.contentType !== undefined,
    })),
    body: body
      ? {
          contentType: body.contentType,
          kind: body.kind,
          encoding: body.encoding.map((encoding) => ({
            property: encoding.property,
            contentType: encoding.contentType ?? null,
            style: encoding.style ?? null,
            hasExplode: encoding.explode !== undefined,
            explode: encoding.explode ?? false,
            allowReserved: encoding.allowReserved ?? false,
          })),
        }
      : null,
    accept: [...new Set(successMedia)].join(', '),
    // The result type is Blob alone: the runtime reads bytes whatever content type the server sends (or none).
    blob:
      successMedia.length > 0 &&
      operation.responses.every(
        (response) => !response.success || response.content.every((media) => media.kind === 'binary'),
      ),
  };
}

/** The union of what the runtime returns for these responses: parsed JSON, text, a Blob, a stream, or undefined. */
function resultType(ref: string, responses: ResponseIR[]): string {
  if (responses.length === 0) return 'unknown';
  const parts = responses.flatMap((response) => {
    if (response.content.length === 0) return ['undefined'];
    return response.content.map(({ contentType, kind }) => {
      switch (kind) {
        case 'json':
          return `${ref}["responses"][${tsString(response.status)}]["content"][${tsString(contentType)}]`;
        case 'event-stream':
          return 'ReadableStream<Uint8Array>';
        case 'text':
        case 'form':
          return 'string';
        default:
          return 'Blob';
      }
    });
  });
  return [...new Set(parts)].join(' | ');
}
