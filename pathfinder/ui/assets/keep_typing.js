// Keep what a person is typing when they leave the page without leaving the box first.
//
// Streamlit sends a text box's value to the server when the box loses focus (or on
// Ctrl+Enter). Pressing the browser's back button, reloading or closing the tab does not
// take the focus away first, so the text typed since the last commit was dropped. This
// takes the focus away just before those happen: the box commits its text, the server
// saves it, and only then does the page move on. Installed once per page load.
(() => {
  if (window.__pathfinderKeepTyping) return;
  window.__pathfinderKeepTyping = true;

  const typedInto = new WeakSet();  // boxes with input the server has not been sent yet
  const isTextBox = (el) =>
    el instanceof HTMLTextAreaElement ||
    (el instanceof HTMLInputElement && ["text", "number", "search", ""].includes(el.type));

  document.addEventListener("input", (event) => {
    if (isTextBox(event.target)) typedInto.add(event.target);
  }, true);
  document.addEventListener("focusout", (event) => typedInto.delete(event.target), true);

  const commitTyping = () => {
    const box = document.activeElement;
    if (box && typedInto.has(box)) box.blur();  // the box's own blur handler commits it
  };

  // Capture phase on window: runs before Streamlit's own popstate listener moves the page.
  window.addEventListener("popstate", commitTyping, true);
  window.addEventListener("beforeunload", commitTyping, true);
  window.addEventListener("pagehide", commitTyping, true);
})();
