export { CODEGEN_LANGUAGES, emit, type CodegenLanguage } from './emit';
export { buildModel, inferType, type Model, type Ty } from './infer';
export {
  CodegenError,
  defaultTypeName,
  isProblem,
  sampleOf,
  typesFromSamples,
  type Sample,
  type SampleProblem,
  type TypesResult,
} from './samples';
export {
  DEFAULT_HANDLER_ORIGIN,
  GENERIC_ENV,
  HANDLER_URL_ENV,
  SIGNING_RECIPES,
  TEST_FRAMEWORKS,
  dependenciesOf,
  detectFramework,
  generateTest,
  type GeneratedTest,
  type TestFramework,
  type TestGenInput,
} from './testgen';
export { findPackageJson, projectDependencies, writeTest, type WrittenTest } from './writeTest';
