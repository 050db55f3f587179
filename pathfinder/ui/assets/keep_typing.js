// Keep what a person is typing, whatever they do next.
//
// Streamlit sends a text box's value to the server only when the box loses focus (or on
// Ctrl+Enter), so text typed since then lived in the browser alone. Three things lost it:
// - a reload, closing the tab, or the server restarting: here the box is saved as the
//   person types, after a short pause, keeping the focus (so at most the last moment
//   of typing is at risk, and for that the browser asks "Leave site?" before a reload or
//   close);
// - the browser's back and forward buttons, which do not take the focus away: here the
//   box is left first and the move is held until its text is saved (Ctrl+Enter and
//   Enter, which send without leaving, hold moves the same way);
// - a click on a link to another page, which leaves the box and moves page in the same
//   instant: the server could take the move first, after which the old page's text box
//   no longer existed to be saved; here the move waits until the text is saved.
// Installed once per page load.
(() => {
  if (window.__pathfinderKeepTyping) return;
  window.__pathfinderKeepTyping = true;

  const typedInto = new WeakSet();  // boxes with input the server has not been sent yet
  const isTextBox = (el) =>
    el instanceof HTMLTextAreaElement ||
    (el instanceof HTMLInputElement && ["text", "number", "search", ""].includes(el.type));

  // Call `then` once the app has finished the script run that was just asked for: the
  // app marks its run state on its root element. If no run starts within a couple of
  // seconds (the box held what was saved already; a busy server answers well within
  // that), or the run takes too long, go on anyway.
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
    const noStart = setTimeout(() => { if (!started) finish(); }, 2000);
    const tooLong = setTimeout(finish, 5000);
  };

  // Text committed a moment ago whose save has not finished yet, and what waits for it;
  // and a back or forward move held for it and not made yet. While either lasts, the
  // page's root carries data-pathfinder-saving (the browser tests wait for it to go
  // before they look at where a held move led).
  let saving = false;
  let moving = false;
  let waiting = [];
  const whenSaved = (then) => (saving ? waiting.push(then) : then());
  const mark = () =>
    document.documentElement.toggleAttribute("data-pathfinder-saving", saving || moving);
  const setSaving = (on) => {
    saving = on;
    mark();
  };
  const setMoving = (on) => {
    moving = on;
    mark();
  };

  // Save a box as the person types: after a pause, the box's own blur handler is run
  // (it sends the text) while the box keeps the focus and the typing goes on.
  const PAUSE_MS = 800;
  const pauses = new WeakMap();
  const saveInPlace = (box) => {
    if (document.activeElement === box && typedInto.has(box)) {
      box.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
    }
  };
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!isTextBox(box)) return;
    typedInto.add(box);
    if (box.type === "number") return;  // half a number is not worth saving
    clearTimeout(pauses.get(box));
    pauses.set(box, setTimeout(() => saveInPlace(box), PAUSE_MS));
  }, true);
  // The box's text is on its way to the server (the box's own handler sends it): hold
  // page moves until its run is over.
  const sending = (box) => {
    typedInto.delete(box);
    clearTimeout(pauses.get(box));
    setSaving(true);
    afterRun(() => {
      const ready = waiting;
      waiting = [];
      ready.forEach((then) => then());
      setSaving(false);
    });
  };
  document.addEventListener("focusout", (event) => {
    if (typedInto.has(event.target)) sending(event.target);  // sent on leaving the box
  }, true);
  document.addEventListener("keydown", (event) => {
    const box = event.target;
    if (event.key !== "Enter" || !typedInto.has(box)) return;
    // Enter sends a one-line box, Ctrl+Enter (Cmd+Enter) a text area.
    const multiline = box instanceof HTMLTextAreaElement;
    if (!multiline || event.ctrlKey || event.metaKey) sending(box);
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

  // Back and forward: Streamlit moves to the page the address names on "popstate", and
  // its listener runs before any added later (on window, listeners run in the order they
  // were added, capturing or not), so by then it is too late: the move's run can remove
  // the text box's fragment before the text arrives, and Streamlit drops the text. The
  // Navigation API's "navigate" event comes before the move: there the move is held until
  // the text is saved, then made again.
  if (window.navigation) {
    window.navigation.addEventListener("navigate", (event) => {
      if (event.navigationType !== "traverse" || moving) return;
      if (!(commitTyping() || saving) || !event.cancelable) return;
      event.preventDefault();
      const destination = event.destination.key;
      setMoving(true);
      whenSaved(() => {
        window.navigation.traverseTo(destination).finished
          .catch(() => {})
          .finally(() => setMoving(false));
      });
    });
  } else {
    // Without it, the text is at least sent, right behind the move.
    window.addEventListener("popstate", commitTyping, true);
  }
  // Reload or close in the moment after typing, before the pause saved it: try to send
  // it, and ask the browser to confirm leaving (the page may go before the text is out).
  window.addEventListener("beforeunload", (event) => {
    if (commitTyping()) {
      event.preventDefault();
      event.returnValue = "";
    }
  }, true);
  window.addEventListener("pagehide", commitTyping, true);
})();
