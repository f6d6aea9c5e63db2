/* Category suggestion on the report forms (the citizen's and the staff intake): as the title
   and description are typed, the categories they most likely belong to are asked of the API
   (issues.category_suggestion) and shown as a hint; the best one is preselected when its score
   reaches the settable threshold, unless the person has chosen a category themselves. A
   suggestion never blocks: a failed request leaves the form as it was. */
"use strict";

(function () {
  var cfg = CasaMap.config();
  var text = cfg.messages;
  var form = document.getElementById("report-form");
  var hint = document.getElementById("category-suggestion");
  if (!form || !hint || !cfg.suggestUrl) return;
  var categorySelect = form.querySelector("select[name=category]");
  var title = form.querySelector("input[name=title]");
  var description = form.querySelector("textarea[name=description]");
  var DEBOUNCE_MS = 400;
  // A category already there (a form shown again with its errors) was chosen by the person.
  var chosenByPerson = categorySelect.value !== "";
  var timer = null;
  var asked = 0;
  var shown = [];

  var choosing = false; // while this script itself changes the category

  categorySelect.addEventListener("change", function () {
    if (choosing) return;
    chosenByPerson = categorySelect.value !== "";
    show(shown, null); // no longer "chosen from your description"
  });

  function choose(code) {
    categorySelect.value = code;
    // The page's own listeners (who handles it, nearby reports) update as for a choice.
    choosing = true;
    try {
      categorySelect.dispatchEvent(new Event("change", { bubbles: true }));
    } finally {
      choosing = false;
    }
  }

  function show(suggestions, preselected) {
    shown = suggestions;
    hint.textContent = "";
    if (suggestions.length === 0) {
      hint.hidden = true;
      return;
    }
    if (preselected) {
      var chosen = document.createElement("p");
      chosen.dataset.testid = "suggestion-chosen";
      var name = document.createElement("strong");
      name.textContent = preselected.name;
      chosen.append(text.suggestionChosen + " ", name, ". " + text.youCanChangeIt);
      hint.appendChild(chosen);
    }
    var label = document.createElement("span");
    label.textContent = text.suggestedCategories;
    var list = document.createElement("ul");
    list.className = "suggestion-list";
    suggestions.slice(0, 3).forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary suggestion";
      button.dataset.code = item.code;
      button.textContent = item.name;
      button.setAttribute("aria-pressed", String(categorySelect.value === item.code));
      button.addEventListener("click", function () {
        chosenByPerson = true;
        choose(item.code);
        show(suggestions, null);
      });
      li.appendChild(button);
      list.appendChild(li);
    });
    hint.append(label, list);
    hint.hidden = false;
  }

  function ask() {
    var typed = (title.value + "\n" + description.value).trim().slice(0, cfg.suggestMaxLength);
    var mine = ++asked;
    if (typed.length < 3) {
      show([], null);
      return;
    }
    CasaMap.getJSON(cfg.suggestUrl + "?text=" + encodeURIComponent(typed)).then(
      function (result) {
        if (mine !== asked || result.status !== 200) return; // a newer answer is coming
        var best = result.body[0];
        var preselect = !chosenByPerson && best && best.score >= cfg.suggestThreshold;
        if (preselect && categorySelect.value !== best.code) choose(best.code);
        show(result.body, preselect ? best : null);
        hint.dataset.answered = String(mine); // which request the hint shows (for tests)
      },
      function () {} // offline or failing: no hint, the form works as before
    );
  }

  function typed() {
    clearTimeout(timer);
    timer = setTimeout(ask, DEBOUNCE_MS);
  }

  title.addEventListener("input", typed);
  description.addEventListener("input", typed);
})();
