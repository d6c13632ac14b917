import { capitalize } from '../change-list.js';
import { escapeToken, isObject, members, resolve, type JsonObject } from '../resolve.js';
import type { DocumentPair, OperationPair } from './context.js';

interface Parameter {
  /** `in:name`; path parameters by their position in the template, so renaming one is not a change. */
  key: string;
  name: string;
  location: string;
  required: boolean;
  deprecated: boolean;
  pointer: string;
  /** The schema, from `schema` or the single media type of `content`. */
  schema: unknown;
  schemaPointer: string;
}

/** The effective parameters of an operation: path-item ones, overridden by operation ones with the same name and location. */
function parametersOf(
  root: unknown,
  path: string,
  item: JsonObject,
  itemAt: string,
  operation: JsonObject,
  operationAt: string,
): Map<string, Parameter> {
  const templateNames = [...path.matchAll(/\{([^}]*)\}/g)].map((match) => match[1]);
  const found = new Map<string, Parameter>();
  const read = (list: unknown, at: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, index) => {
      const parameter = resolve(root, raw);
      if (!parameter || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') return;
      const pointer = `${at}/parameters/${index}`;
      const position = parameter.in === 'path' ? templateNames.indexOf(parameter.name) : -1;
      const key =
        position >= 0
          ? `path:#${position}`
          : `${parameter.in}:${parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name}`;
      let schema: unknown = parameter.schema;
      let schemaPointer = `${pointer}/schema`;
      if (schema === undefined && isObject(parameter.content)) {
        const [type, media] = Object.entries(parameter.content)[0] ?? [];
        if (type !== undefined) {
          schema = members(media).schema;
          schemaPointer = `${pointer}/content/${escapeToken(type)}/schema`;
        }
      }
      found.set(key, {
        key,
        name: parameter.name,
        location: parameter.in,
        required: parameter.required === true,
        deprecated: parameter.deprecated === true,
        pointer,
        schema,
        schemaPointer,
      });
    });
  };
  read(item.parameters, itemAt);
  read(operation.parameters, operationAt);
  return found;
}

const labelOf = (parameter: Parameter, operation: string) =>
  `${parameter.location} parameter \`${parameter.name}\` of ${operation}`;

/**
 * Request parameters (path, query, header, cookie): added as required is breaking, added as optional is info;
 * optional → required is breaking, required → optional is info; removed is a warning; their schemas are compared
 * as request data (type, format, enum narrowed…).
 */
export function diffParameters(docs: DocumentPair, op: OperationPair): void {
  const { out } = docs;
  const oldParameters = parametersOf(docs.oldRoot, op.oldPath, op.oldItem, op.oldItemAt, op.oldOperation, op.oldAt);
  const newParameters = parametersOf(docs.newRoot, op.newPath, op.newItem, op.newItemAt, op.newOperation, op.newAt);
  for (const [key, oldParameter] of oldParameters) {
    const newParameter = newParameters.get(key);
    if (!newParameter) {
      // Warning, not breaking: the old client keeps sending it and servers ignore unknown query parameters and
      // headers; but the server no longer acts on it. (A removed path parameter changes the path itself.)
      out.add('request-parameter-removed', `${capitalize(labelOf(oldParameter, op.name))} was removed.`, {
        oldPointer: oldParameter.pointer,
      });
      continue;
    }
    const label = labelOf(newParameter, op.name);
    const pointers = { oldPointer: oldParameter.pointer, newPointer: newParameter.pointer };
    if (!oldParameter.required && newParameter.required)
      out.add('request-parameter-became-required', `${capitalize(label)} is now required.`, pointers);
    else if (oldParameter.required && !newParameter.required)
      out.add('request-parameter-became-optional', `${capitalize(label)} is now optional.`, pointers);
    if (!oldParameter.deprecated && newParameter.deprecated)
      out.add('request-parameter-deprecated', `${capitalize(label)} is now deprecated.`, pointers);
    docs.schemas.compare(oldParameter.schema, newParameter.schema, {
      direction: 'request',
      operation: op.name,
      subject: `${newParameter.location} parameter \`${newParameter.name}\``,
      oldPointer: oldParameter.schemaPointer,
      newPointer: newParameter.schemaPointer,
    });
  }
  for (const [key, newParameter] of newParameters) {
    if (oldParameters.has(key)) continue;
    const label = capitalize(labelOf(newParameter, op.name));
    if (newParameter.required)
      out.add('request-parameter-added-required', `${label} was added as required.`, {
        newPointer: newParameter.pointer,
      });
    else
      out.add('request-parameter-added', `${label} was added as optional.`, {
        newPointer: newParameter.pointer,
      });
  }
}
