/** The source files worth reading (for `workspace.findFiles`); the route CodeLens applies to them. */
export const SOURCE_GLOB = '**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,py,rb,php,go}';
