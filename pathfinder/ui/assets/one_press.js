// One action per double click.
//
// People double-click buttons out of habit. The second click of a double click reaches
// Streamlit as a second press, before the page has answered the first, so "Create link"
// made two links and a download was fetched twice. The browser numbers the clicks of a
// double click (`detail` is 2 for the second): that one is dropped for the app's buttons.
// Checkboxes, radio buttons and a number box's + and - keep every click.
// Installed once per page load.
(() => {
  if (window.__pathfinderOnePress) return;
  window.__pathfinderOnePress = true;
  document.addEventListener("click", (event) => {
    if (event.detail < 2 || !(event.target instanceof Element)) return;
    if (!event.target.closest('button[data-testid^="stBaseButton"]')) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
})();
