/** The code generation commands' ids, apart from their code: stand-ins at activation load it on first use. */
export const CODEGEN_COMMANDS = {
  generateTypes: 'webhookInspector.generateTypes',
  createTest: 'webhookInspector.createTestFromEvent',
} as const;
