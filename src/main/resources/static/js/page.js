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
