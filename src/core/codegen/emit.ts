import { jsString, literalKey, typeKey } from './codeText';
import type { Model, Ty } from './infer';

/** The three output languages. */
export type CodegenLanguage = 'ts' | 'zod' | 'jsonschema';
export const CODEGEN_LANGUAGES: readonly CodegenLanguage[] = ['ts', 'zod', 'jsonschema'];

const INDENT = '  ';

// ---- TypeScript --------------------------------------------------------------------------------

function tsType(ty: Ty, depth: number): string {
  switch (ty.k) {
    case 'unknown':
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return ty.k;
    case 'literals':
      return ty.values.map(jsString).join(' | ');
    case 'record':
      return 'Record<string, unknown>';
    case 'array': {
      const item = tsType(ty.item, depth);
      return ty.item.k === 'union' || ty.item.k === 'literals' ? `Array<${item}>` : `${item}[]`;
    }
    case 'union':
      return ty.members.map((m) => tsType(m, depth)).join(' | ');
    case 'object':
      return `{\n${tsFields(ty, depth + 1)}${INDENT.repeat(depth)}}`;
  }
}

function tsFields(ty: Extract<Ty, { k: 'object' }>, depth: number): string {
  const pad = INDENT.repeat(depth);
  return ty.fields.map((f) => `${pad}${typeKey(f.name)}${f.optional ? '?' : ''}: ${tsType(f.type, depth)};\n`).join('');
}

function tsDeclaration(name: string, ty: Ty): string {
  if (ty.k === 'object') {
    return `export interface ${name} {\n${tsFields(ty, 1)}}\n`;
  }
  return `export type ${name} = ${tsType(ty, 0)};\n`;
}

function emitTs(model: Model): string {
  if (model.kind === 'single') {
    return tsDeclaration(model.name, model.type);
  }
  const parts = model.variants.map((v) => tsDeclaration(v.name, v.type));
  parts.push(`export type ${model.name} =\n${model.variants.map((v) => `${INDENT}| ${v.name}`).join('\n')};\n`);
  return parts.join('\n');
}

// ---- zod 4 -------------------------------------------------------------------------------------

function zodType(ty: Ty, depth: number): string {
  switch (ty.k) {
    case 'unknown':
      return 'z.unknown()';
    case 'null':
      return 'z.null()';
    case 'boolean':
      return 'z.boolean()';
    case 'number':
      return 'z.number()';
    case 'string':
      return 'z.string()';
    case 'literals':
      return ty.values.length === 1 ? `z.literal(${jsString(ty.values[0]!)})` : `z.enum([${ty.values.map(jsString).join(', ')}])`;
    case 'record':
      return 'z.record(z.string(), z.unknown())';
    case 'array':
      return `z.array(${zodType(ty.item, depth)})`;
    case 'union': {
      const rest = ty.members.filter((m) => m.k !== 'null');
      const nullable = rest.length < ty.members.length;
      const inner = rest.length === 1 ? zodType(rest[0]!, depth) : `z.union([${rest.map((m) => zodType(m, depth)).join(', ')}])`;
      return nullable ? `${inner}.nullable()` : inner;
    }
    case 'object': {
      const pad = INDENT.repeat(depth + 1);
      const fields = ty.fields
        .map((f) => `${pad}${literalKey(f.name)}: ${zodType(f.type, depth + 1)}${f.optional ? '.optional()' : ''},\n`)
        .join('');
      return `z.object({\n${fields}${INDENT.repeat(depth)}})`;
    }
  }
}

function emitZod(model: Model): string {
  const lines = ["import * as z from 'zod';", ''];
  if (model.kind === 'single') {
    lines.push(`export const ${model.name}Schema = ${zodType(model.type, 0)};`);
  } else {
    for (const v of model.variants) {
      lines.push(`export const ${v.name}Schema = ${zodType(v.type, 0)};`, `export type ${v.name} = z.infer<typeof ${v.name}Schema>;`, '');
    }
    const options = model.variants.map((v) => `${INDENT}${v.name}Schema,`).join('\n');
    lines.push(`export const ${model.name}Schema = z.discriminatedUnion(${jsString(model.discriminator)}, [\n${options}\n]);`);
  }
  lines.push(`export type ${model.name} = z.infer<typeof ${model.name}Schema>;`);
  return `${lines.join('\n')}\n`;
}

// ---- JSON Schema (draft 2020-12) ----------------------------------------------------------------

type Schema = Record<string, unknown>;

/** An object without a prototype, so a `__proto__` property name is just a name. */
function bare(): Schema {
  return Object.create(null) as Schema;
}

function schemaOf(ty: Ty): Schema {
  const s = bare();
  switch (ty.k) {
    case 'unknown':
      return s;
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      s.type = ty.k;
      return s;
    case 'literals':
      s.type = 'string';
      if (ty.values.length === 1) {
        s.const = ty.values[0];
      } else {
        s.enum = [...ty.values];
      }
      return s;
    case 'record':
      s.type = 'object';
      return s;
    case 'array':
      s.type = 'array';
      if (ty.item.k !== 'unknown') {
        s.items = schemaOf(ty.item);
      }
      return s;
    case 'union': {
      const members = ty.members.map(schemaOf);
      // Plain scalar members (`{type: X}` only) merge into one `type` list; the rest go in anyOf.
      const plain = members.filter((m) => Object.keys(m).length === 1 && typeof m.type === 'string');
      if (plain.length === members.length) {
        s.type = plain.map((m) => m.type);
        return s;
      }
      s.anyOf = members;
      return s;
    }
    case 'object': {
      s.type = 'object';
      const properties = bare();
      const required: string[] = [];
      for (const f of ty.fields) {
        properties[f.name] = schemaOf(f.type);
        if (!f.optional) {
          required.push(f.name);
        }
      }
      s.properties = properties;
      if (required.length) {
        s.required = required;
      }
      return s;
    }
  }
}

function emitJsonSchema(model: Model): string {
  const root = bare();
  root.$schema = 'https://json-schema.org/draft/2020-12/schema';
  root.title = model.name;
  if (model.kind === 'single') {
    Object.assign(root, schemaOf(model.type));
  } else {
    root.oneOf = model.variants.map((v) => ({ $ref: `#/$defs/${v.name}` }));
    const defs = bare();
    for (const v of model.variants) {
      defs[v.name] = { title: v.name, ...schemaOf(v.type) };
    }
    root.$defs = defs;
  }
  return `${JSON.stringify(root, null, 2)}\n`;
}

/** The model as source text in `lang`. JSON Schema output is a JSON document (no comment). */
export function emit(model: Model, lang: CodegenLanguage, header?: string): string {
  switch (lang) {
    case 'ts':
      return `${header ? `${header}\n` : ''}${emitTs(model)}`;
    case 'zod':
      return `${header ? `${header}\n` : ''}${emitZod(model)}`;
    case 'jsonschema':
      return emitJsonSchema(model);
  }
}
