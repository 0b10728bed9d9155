import { notYet } from '../lib/notYet';

// Planned: time to render an event (headers + 1 MB body) in the detail webview.
export default notYet('webviewRender', '8 webview render', 80, 'the event detail webview (src/webview) has not landed');
