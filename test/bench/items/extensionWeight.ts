import { notYet } from '../lib/notYet';

// Planned: activation time and bundle size of dist/extension.js vs. an empty extension.
export default notYet('extensionWeight', '7 extension weight', 70, 'needs the extension-host harness; not built for the bench yet');
