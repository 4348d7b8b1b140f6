// Small behaviours of pages that the Content-Security-Policy keeps out of inline handlers.
document.addEventListener('focusin', e => {
  if (e.target.matches && e.target.matches('input[data-select-on-focus]')) {
    e.target.select();
  }
});
document.addEventListener('click', e => {
  const print = e.target.closest && e.target.closest('[data-print]');
  if (print) {
    e.preventDefault();
    window.print();
  }
});
// htmx sends a request only for an element a template wrote: it carries the page's trust mark, which
// markup arriving inside stored text cannot know (see LayoutAdvice.hxTrust).
document.addEventListener('htmx:beforeRequest', e => {
  const meta = document.querySelector('meta[name="patron-hx"]');
  const expected = meta ? meta.getAttribute('content') : '';
  const elt = e.detail && e.detail.elt;
  if (!expected || !elt || !elt.getAttribute || elt.getAttribute('data-hx-trust') !== expected) {
    e.preventDefault();
  }
});
