// Keep what a person is typing when they leave the page without leaving the box first.
//
// Streamlit sends a text box's value to the server when the box loses focus (or on
// Ctrl+Enter). Two things lost that text:
// - the browser's back and forward buttons, a reload and closing the tab do not take the
//   focus away first, so nothing was sent: here the box is left just before they happen
//   (and a reload or close is confirmed by the browser's own "Leave site?" question);
// - a click on a link to another page leaves the box and moves page in the same instant,
//   and the server could take the move first, after which the old page's text box no
//   longer exists to be saved: here the move waits until the server has saved the text.
// Installed once per page load.
(() => {
  if (window.__pathfinderKeepTyping) return;
  window.__pathfinderKeepTyping = true;

  const typedInto = new WeakSet();  // boxes with input the server has not been sent yet
  const isTextBox = (el) =>
    el instanceof HTMLTextAreaElement ||
    (el instanceof HTMLInputElement && ["text", "number", "search", ""].includes(el.type));

  // Call `then` once the app has finished the script run that was just asked for: the
  // app marks its run state on its root element. If no run starts soon (the box held
  // what was saved already), or it takes too long, go on anyway.
  const afterRun = (then) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = () => app && app.getAttribute("data-test-script-state");
    let started = state() === "running";
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      observer.disconnect();
      clearTimeout(noStart);
      clearTimeout(tooLong);
      then();
    };
    const observer = new MutationObserver(() => {
      if (state() === "running") started = true;
      else if (started) finish();
    });
    if (app) observer.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
    const noStart = setTimeout(() => { if (!started) finish(); }, 500);
    const tooLong = setTimeout(finish, 5000);
  };

  // Text committed a moment ago whose save has not finished yet, and what waits for it.
  let saving = false;
  let waiting = [];
  const whenSaved = (then) => (saving ? waiting.push(then) : then());

  document.addEventListener("input", (event) => {
    if (isTextBox(event.target)) typedInto.add(event.target);
  }, true);
  document.addEventListener("focusout", (event) => {
    if (!typedInto.has(event.target)) return;
    typedInto.delete(event.target);  // the box's own blur handler sends its text now
    saving = true;
    afterRun(() => {
      saving = false;
      const ready = waiting;
      waiting = [];
      ready.forEach((then) => then());
    });
  }, true);

  // Leave the box being typed in, if any, so that its text is sent; say whether it was.
  const commitTyping = () => {
    const box = document.activeElement;
    if (!box || !typedInto.has(box)) return false;
    box.blur();
    return true;
  };

  // A link to another page of the app, clicked while text is being saved: follow it
  // once the text is saved.
  const replayedClicks = new WeakSet();
  document.addEventListener("click", (event) => {
    if (!saving || replayedClicks.has(event)) return;
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.origin !== window.location.origin) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    whenSaved(() => {
      const again = new MouseEvent("click", { bubbles: true, cancelable: true, view: window });
      replayedClicks.add(again);
      link.dispatchEvent(again);
    });
  }, true);

  // Back and forward: hold the page move until the text is saved, then let it happen.
  const replayedMoves = new WeakSet();
  window.addEventListener("popstate", (event) => {
    if (replayedMoves.has(event) || !(commitTyping() || saving)) return;
    event.stopImmediatePropagation();  // capture phase: before Streamlit's own listener
    whenSaved(() => {
      const again = new PopStateEvent("popstate", { state: event.state });
      replayedMoves.add(again);
      window.dispatchEvent(again);
    });
  }, true);
  // Reload or close with text just typed: send it, and ask the browser to confirm leaving,
  // which also gives the text the moment it needs to reach the server.
  window.addEventListener("beforeunload", (event) => {
    if (commitTyping() || saving) {
      event.preventDefault();
      event.returnValue = "";
    }
  }, true);
  window.addEventListener("pagehide", commitTyping, true);
})();
