// Storyline's only script: tells an open page when stories change, and shows or hides an
// article's removed boilerplate without a reload. Pages work without it.
"use strict";

(function pollChanges() {
  const body = document.body;
  const since = Number(body.dataset.changeSeq);
  const seconds = Number(body.dataset.pollSeconds);
  if (!Number.isFinite(since) || !(seconds > 0)) return;
  const storyId = body.dataset.storyId || null;
  const live = document.getElementById("live");
  const text = document.getElementById("live-text");
  const show = document.getElementById("live-show");

  function tell(message) {
    text.textContent = message;
    show.href = window.location.pathname + window.location.search;
    live.hidden = false;
  }

  async function check() {
    try {
      const response = await fetch(`/api/v1/changes?since=${since}&limit=1000`,
                                   { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const changes = await response.json();
      if (changes.seq < since) {  // another database behind the same address
        tell("The database was replaced.");
      } else if (storyId) {
        if (changes.deleted.includes(storyId)) tell("This story was merged into another one.");
        else if (changes.story_ids.includes(storyId)) tell("This story has new articles.");
        else if (changes.count > 0) tell(`${changes.count} other ${changes.count === 1 ? "story" : "stories"} updated.`);
      } else if (changes.count > 0) {
        tell(`${changes.count} ${changes.count === 1 ? "story" : "stories"} updated.`);
      }
    } catch (error) {
      // The server is restarting or gone; try again at the next tick.
    }
  }
  window.setInterval(check, seconds * 1000);
})();

(function toggleRemoved() {
  const toggle = document.getElementById("toggle-removed");
  if (!toggle) return;
  const clean = document.getElementById("clean-text");
  const removed = document.getElementById("removed-text");
  toggle.addEventListener("click", (event) => {
    event.preventDefault();
    const showing = removed.hidden;  // what the click asks for
    removed.hidden = !showing;
    clean.hidden = showing;
    toggle.setAttribute("aria-pressed", String(showing));
    toggle.textContent = showing ? toggle.dataset.hide : toggle.dataset.show;
    const url = new URL(window.location.href);
    if (showing) url.searchParams.set("removed", "1"); else url.searchParams.delete("removed");
    window.history.replaceState(null, "", url);
  });
})();
