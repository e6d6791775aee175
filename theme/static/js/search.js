/* Site search: loads the index written at build time (search.json) and ranks
   articles by the words of the query found in their title, topics, actors and
   summary. Progressive enhancement: without JavaScript the page says so. */
(function () {
  "use strict";

  var script = document.currentScript;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!script || !form || !input || !status || !list) return;

  var root = script.getAttribute("data-root");
  var indexUrl = script.getAttribute("data-index");
  var MAX_RESULTS = 50;
  var loading = null;

  /* Lower case, no accents, punctuation as spaces, padded: " word word ". */
  function fold(text) {
    return (
      " " +
      String(text || "")
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, " ") +
      " "
    );
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl)
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (index) {
          return index.articles.map(function (row) {
            var topics = row[4].map(function (n) { return index.topics[n]; });
            var actors = row[5].map(function (n) { return index.actors[n]; });
            return {
              title: row[0], url: row[1], date: row[2], summary: row[3],
              topics: topics, actors: actors,
              fields: [
                [fold(row[0]), 4],
                [fold(actors.map(function (t) { return t[0]; }).join(" | ")), 3],
                [fold(topics.map(function (t) { return t[0]; }).join(" | ")), 3],
                [fold(row[3]), 1]
              ]
            };
          });
        });
    }
    return loading;
  }

  /* Every word must start a word somewhere; the score says where. */
  function score(entry, words) {
    var total = 0;
    for (var w = 0; w < words.length; w++) {
      var best = 0;
      for (var f = 0; f < entry.fields.length; f++) {
        var field = entry.fields[f];
        if (field[1] > best && field[0].indexOf(" " + words[w]) !== -1) best = field[1];
      }
      if (!best) return 0;
      total += best;
    }
    return total;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function render(results, query) {
    list.textContent = "";
    results.slice(0, MAX_RESULTS).forEach(function (entry) {
      var item = element("li");
      var link = element("a", "", entry.title);
      link.href = root + entry.url;
      item.appendChild(link);
      var tags = entry.topics.concat(entry.actors.slice(0, 4)).map(function (t) { return t[0]; });
      item.appendChild(element("p", "meta", entry.date + (tags.length ? " · " + tags.join(", ") : "")));
      if (entry.summary) item.appendChild(element("p", "", entry.summary));
      list.appendChild(item);
    });
    var shown = Math.min(results.length, MAX_RESULTS);
    status.textContent = results.length
      ? results.length + " article" + (results.length === 1 ? "" : "s") + " found for “" + query + "”" +
        (shown < results.length ? ", the best " + shown + " shown." : ".")
      : "No article found for “" + query + "”.";
  }

  function run(query) {
    var words = fold(query).trim().split(" ").filter(Boolean);
    if (!words.length) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    status.textContent = "Searching…";
    load()
      .then(function (entries) {
        var results = [];
        entries.forEach(function (entry) {
          var points = score(entry, words);
          if (points) results.push([points, entry]);
        });
        results.sort(function (a, b) {
          return b[0] - a[0] || (a[1].date < b[1].date ? 1 : a[1].date > b[1].date ? -1 : 0);
        });
        render(results.map(function (r) { return r[1]; }), query.trim());
      })
      .catch(function () {
        status.textContent = "The search index could not be loaded. Browse the topics and actors instead.";
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value;
    var url = new URL(window.location.href);
    url.searchParams.set("q", query);
    window.history.replaceState(null, "", url);
    run(query);
  });

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
