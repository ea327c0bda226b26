/*
 * The embeddable chat widget: one script tag puts it on any page,
 *   <script src="http://chat.example.com:8080/console/widget.js" data-service="customer-support"></script>
 * It loads the CometD client and the widget beside it, and renders into the element named by `data-target` (an id),
 * or else into a chat button at the bottom right of the page. A classic script, so no module loader is needed.
 */
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script) return;
  const here = new URL('.', script.src).href;
  const service = script.dataset.service ?? 'customer-support';
  const base = new URL(script.src).origin;

  const style = document.createElement('link');
  style.rel = 'stylesheet';
  style.href = `${here}console.css`;
  document.head.append(style);

  let root = script.dataset.target ? document.getElementById(script.dataset.target) : null;
  if (!root) {
    root = document.createElement('section');
    root.className = 'ocs-floating';
    root.hidden = true;
    root.setAttribute('aria-label', 'Chat');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'ocs-launcher';
    open.textContent = 'Chat with us';
    open.setAttribute('aria-expanded', 'false');
    const panel = root;
    open.addEventListener('click', () => {
      panel.hidden = !panel.hidden;
      open.setAttribute('aria-expanded', String(!panel.hidden));
      if (!panel.hidden) panel.querySelector<HTMLElement>('input, textarea')?.focus();
    });
    document.body.append(open, root);
    if (sessionStorage.getItem('ocs-console-chat')) open.click();
  }
  const target = root;
  const mount = () => import(`${here}widget-app.js`).then((m: { mountWidget(root: HTMLElement, o: object): void }) => m.mountWidget(target, { base, service }));
  const cometd = document.createElement('script');
  cometd.src = `${here}vendor/cometd.js`;
  // Without CometD the widget polls over REST.
  cometd.onload = cometd.onerror = () => void mount();
  document.head.append(cometd);
})();
